// The protocol between the UI and the worker: what each side may say, and the plain data it carries. Imports only core.
export * from './files';
export * from './split';
export * from './probe';
export * from './probe-suite';
export * from './analysis';
export * from './sae';
export * from './sweep';
export * from './jobs';
export * from './messages';
