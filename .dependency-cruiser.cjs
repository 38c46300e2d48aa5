// The layer rules of ARCHITECTURE (README): core ← engine ← jobs ← {workers, cli} and core ← protocol ← {jobs, ui}.
// `npm test` runs this (npm run lint:deps); a violation or an import cycle fails the run.
const layer = (name) => `^src/${name}(/|\\.ts$)`;

/** Forbids `from` importing any of `to`. */
const forbid = (name, comment, from, to) => ({
  name,
  comment,
  severity: 'error',
  from: { path: from },
  to: { path: to },
});

module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      comment: 'Import cycles hide which module a concept belongs to.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    forbid(
      'core-is-pure',
      'core holds maths, formats and estimators; it defines the engine interfaces and imports no other layer.',
      layer('core'),
      [layer('engine'), layer('jobs'), layer('protocol'), layer('ui'), layer('cli'), '^workers/'],
    ),
    forbid(
      'engine-below-jobs',
      "engine implements core's interfaces; it knows nothing of jobs, the protocol or the front ends.",
      layer('engine'),
      [layer('jobs'), layer('protocol'), layer('ui'), layer('cli'), '^workers/'],
    ),
    forbid(
      'protocol-only-core',
      'The protocol is plain data between UI and worker: it imports core and nothing else.',
      layer('protocol'),
      [layer('engine'), layer('jobs'), layer('ui'), layer('cli'), '^workers/'],
    ),
    forbid(
      'jobs-below-front-ends',
      'Jobs serve the worker and the CLI; they never reach up into them or into the UI.',
      layer('jobs'),
      [layer('ui'), layer('cli'), '^workers/'],
    ),
    forbid('ui-through-protocol', 'The UI knows jobs and engines only through the protocol.', layer('ui'), [
      layer('engine'),
      layer('jobs'),
      layer('cli'),
      '^workers/',
    ]),
    forbid('cli-not-ui', 'The CLI drives jobs headless; it shares nothing with the page.', layer('cli'), [
      layer('ui'),
      '^workers/',
    ]),
    forbid(
      'workers-not-ui',
      'The worker owns the GPU and the files; it shares nothing with the page or the CLI.',
      '^workers/',
      [layer('ui'), layer('cli')],
    ),
    {
      name: 'no-unresolvable',
      comment: 'Every relative import resolves.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true, pathNot: '^(node:|webgpu$)' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)node_modules/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      extensions: ['.ts', '.svelte.ts', '.svelte', '.js', '.mjs', '.json'],
      conditionNames: ['import', 'browser', 'module', 'default'],
      exportsFields: ['exports'],
      mainFields: ['module', 'browser', 'main'],
    },
    extraExtensionsToScan: ['.svelte'],
  },
};
