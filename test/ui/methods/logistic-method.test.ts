import { expect, test } from 'vitest';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { LogisticMethod, logisticSklearnScript } from '../../../src/ui/methods/logistic-method.svelte';
import { withoutFilesBlock } from '../../../src/core/probes/sklearn-export';
import {
  runMethod,
  type DataContext,
  type JobHandlers,
  type JobPort,
  type RunDraft,
} from '../../../src/ui/methods/method';
import { stableKey } from '../../../src/ui/runs/run-key';
import type { JobSpec, ProbeResultSummary } from '../../../src/protocol';

const data: DataContext = {
  files: [],
  activations: { fileId: 'f1', key: 'X' },
  labels: { fileId: 'f1', key: 'y' },
  classNames: undefined,
  split: { kind: 'random', testFraction: 0.25, seed: 0, stratify: true },
  rowText: null,
  rows: 569,
  setupSplit: { kind: 'random', testFraction: 0.25, seed: 0, stratify: true },
  setupData: {
    activations: { fileName: 'breast_cancer.npz', key: 'X' },
    labels: { fileName: 'breast_cancer.npz', key: 'y' },
  },
  named: () => undefined,
};

function port() {
  const sent: { lane: string; spec: JobSpec; handlers: JobHandlers }[] = [];
  const kept: RunDraft[] = [];
  const p: JobPort = {
    send: (slot, spec, handlers) => {
      sent.push({ lane: slot.lane, spec: structuredClone(spec), handlers });
      slot.sent(sent.length);
      return sent.length;
    },
    post: () => {},
    keep: (d) => kept.push(d),
    notify: () => {},
    ready: true,
  };
  return { p, sent, kept };
}

const result = {
  method: 'logistic',
  classes: ['0', '1'],
  trainRows: 426,
  testRows: 143,
} as unknown as ProbeResultSummary;

test('a run goes out in the method’s own lane; its result is kept as a named run and marked with its settings', () => {
  const m = new LogisticMethod();
  const { p, sent, kept } = port();
  expect(m.missing({ ...data, labels: null })).toMatch(/choose activations and labels/);
  runMethod(m, p, data);
  expect(m.live).toBe(true);
  expect(sent[0].lane).toBe('logistic');
  expect(sent[0].spec).toMatchObject({ method: 'logistic', data: { split: data.split }, config: { C: 1 } });
  sent[0].handlers.done(result);
  m.slot.done();
  expect(m.result).toBe(result);
  expect(kept[0].name).toBe('logistic C=1 · breast_cancer.npz');
  expect(kept[0].setup).toMatchObject({ method: 'logistic', split: data.setupSplit, data: data.setupData });
  // The result is current until a setting changes; then it is from previous settings.
  expect(m.resultKey).toBe(stableKey(m.spec(data)));
  m.config.C = 0.01;
  expect(m.resultKey).not.toBe(stableKey(m.spec(data)));
});

test('a shared setup of another method leaves this one alone', () => {
  const m = new LogisticMethod();
  expect(m.applySetup({ version: 1, method: 'sae', config: {} as never, split: data.setupSplit, data: {} })).toBe(
    false,
  );
  expect(m.config.C).toBe(1);
});

test('the page’s scikit-learn download is the script Debian’s scikit-learn ran for the same setup', () => {
  const root = resolve(__dirname, '../../..');
  const recorded = JSON.parse(readFileSync(join(root, 'tools/reference/sklearn_export.json'), 'utf8')).cases[
    'breast_cancer_C0.01'
  ];
  const ran = readFileSync(join(root, recorded.script), 'utf8');
  const indices = (name: string) =>
    Int32Array.from(JSON.parse(ran.match(new RegExp(`${name} = (\\[[^\\]]*\\])`))![1].replace(/,\s*\]/, ']')));
  const m = new LogisticMethod();
  const { p, sent } = port();
  m.config.C = 0.01;
  runMethod(m, p, data);
  const r = { ...result, trainIdx: indices('TRAIN_IDX'), testIdx: indices('TEST_IDX'), test: { accuracy: 0.95 } };
  sent[0].handlers.done(r as unknown as ProbeResultSummary);
  const script = logisticSklearnScript(m.result!, m.resultSetup);
  if (!('text' in script)) throw new Error(script.why);
  expect(createHash('sha256').update(withoutFilesBlock(script.text)).digest('hex')).toBe(
    recorded.sha256_without_run_block,
  );
  expect(script.text).toContain('ACTIVATIONS = ("breast_cancer.npz", "X")');
  // A result without its split (a run saved before splits were kept) gets a reason, not a wrong script.
  expect(logisticSklearnScript(result, m.resultSetup)).toEqual({ why: 'this result has no recorded split' });
});
