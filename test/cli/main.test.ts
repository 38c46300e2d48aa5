// The headless CLI runs the worker's own store and jobs: on the reference split it reproduces scikit-learn.
import { expect, test } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { availableParallelism, tmpdir } from 'node:os';
import { runCli } from '../support/run-cli';
import { cosine, fixturePath, referenceJson } from '../support/fixtures';

const run = runCli;

function splitFile(ref = referenceJson().breast_cancer): string {
  const path = join(mkdtempSync(join(tmpdir(), 'probelab-cli-')), 'split.json');
  writeFileSync(path, JSON.stringify({ train_idx: ref.train_idx, test_idx: ref.test_idx }));
  return path;
}

test('probe --json on breast_cancer with the reference split matches scikit-learn at C=0.01', async () => {
  const bc = fixturePath('breast_cancer.npz');
  const { code, out } = await run([
    'probe',
    bc,
    '--labels',
    bc,
    '--key',
    'X',
    '--labels-key',
    'y',
    '--split',
    splitFile(),
    '--C',
    '0.01',
    '--engine',
    'cpu',
    '--json',
  ]);
  expect(code).toBe(0);
  const result = JSON.parse(out);
  const expected = referenceJson().breast_cancer['logreg_C0.01'];
  expect(result.testRows).toBe(142);
  expect(Math.abs(result.test.accuracy - expected.test_acc)).toBeLessThanOrEqual(1e-3);
  expect(Math.abs(result.test.auroc - expected.test_auroc)).toBeLessThanOrEqual(1e-3);
  // The JSON says which engine ran and why: the CPU, asked for with --engine cpu.
  expect(result.engine).toMatchObject({ backend: 'cpu', reason: 'user-choice', implementation: 'cpu-wasm-simd' });
  // …and which build of the kernels: the CLI turns relaxed SIMD on, so the fused multiply-add one, on every core
  // (up to 8 threads).
  const threads = Math.min(8, availableParallelism());
  expect(result.engine.hostKernels).toBe(`wasm-simd-f64-fma${threads > 1 ? `×${threads}` : ''}`);
  expect(cosine(result.probe.weight, expected.coef)).toBeGreaterThanOrEqual(0.999);
  expect(result.probe.space).toMatch(/standardized/);
});

test('LDA from the CLI matches scikit-learn on the reference split', async () => {
  const bc = fixturePath('breast_cancer.npz');
  const { code, out } = await run([
    'probe',
    bc,
    '--labels',
    bc,
    '--labels-key',
    'y',
    '--split',
    splitFile(),
    '--method',
    'lda',
    '--engine',
    'cpu',
    '--json',
  ]);
  expect(code).toBe(0);
  const result = JSON.parse(out);
  const expected = referenceJson().breast_cancer.lda;
  expect(Math.abs(result.test.accuracy - expected.test_acc)).toBeLessThanOrEqual(1e-3);
  expect(Math.abs(result.test.auroc - expected.test_auroc)).toBeLessThanOrEqual(1e-3);
  // The fitted probe travels with its space: standardized weights beside mean/scale, and the raw twin.
  expect(cosine(result.probe.weight, expected.lsqr_coef)).toBeGreaterThanOrEqual(0.999);
  expect(result.probe.weight_space).toBe('standardized');
  expect(result.probe.raw_weight).toHaveLength(30);
});

test('mass-mean from the CLI is μ₁ − μ₀ in activation space by default, z-scored only with --standardize', async () => {
  const bc = fixturePath('breast_cancer.npz');
  const args = ['probe', bc, '--labels', bc, '--labels-key', 'y', '--split', splitFile(), '--method', 'mass-mean'];
  const expected = referenceJson().breast_cancer.mass_mean;
  const raw = JSON.parse((await run([...args, '--engine', 'cpu', '--json'])).out);
  expect(raw.probe.weight_space).toBe('activations');
  expect(cosine(raw.probe.raw_weight, expected.raw_coef)).toBeGreaterThanOrEqual(0.9999);
  expect(raw.test.auroc).toBeCloseTo(expected.raw_test_auroc, 6);
  const z = JSON.parse((await run([...args, '--standardize', '--engine', 'cpu', '--json'])).out);
  expect(z.probe.weight_space).toBe('standardized');
  expect(z.test.auroc).toBeCloseTo(expected.test_auroc, 6);
  const refused = await run([...args.slice(0, -2), '--variant', 'iid', '--engine', 'cpu']);
  expect(refused.code).not.toBe(0);
  expect(refused.err).toMatch(/--variant and --standardize apply to --method mass-mean, not logistic/);
});

// scikit-learn's LinearDiscriminantAnalysis(solver='lsqr') where the training rows are fewer than (breast_cancer,
// 24 rows for 30 features) or close to (digits, 96 rows for 64 features, some constant) the dimension.
for (const [dataset, acts, labels] of [
  ['breast_cancer_24', 'breast_cancer.npz', 'breast_cancer.npz'],
  ['digits_96', 'digits_f32.npy', 'digits_labels.npy'],
]) {
  for (const shrinkage of ['none', 'auto', '0.3']) {
    test(`LDA --shrinkage ${shrinkage} on ${dataset} matches scikit-learn's lsqr solver`, async () => {
      const ref = referenceJson().lda_shrinkage[dataset];
      const keys = acts.endsWith('.npz') ? ['--key', 'X', '--labels-key', 'y'] : [];
      const { code, out, err } = await run([
        'probe',
        fixturePath(acts),
        '--labels',
        fixturePath(labels),
        ...keys,
        '--split',
        splitFile(ref),
        '--method',
        'lda',
        '--shrinkage',
        shrinkage,
        '--engine',
        'cpu',
        '--json',
      ]);
      expect(code, err).toBe(0);
      const result = JSON.parse(out);
      const expected = ref[shrinkage];
      expect(Math.abs(result.test.accuracy - expected.test_acc)).toBeLessThanOrEqual(1e-3);
      // scikit-learn's coef_ is [K, D] (one row for binary); ours is weight [D, outputs] on the same standardized rows.
      const coef = expected.coef as number[][];
      const outputs = result.probe.outputs;
      const ours = coef.flatMap((_, k) =>
        Array.from({ length: ref.cols }, (_, j) => result.probe.weight[j * outputs + k]),
      );
      expect(cosine(ours, coef.flat())).toBeGreaterThanOrEqual(0.999);
    });
  }
}

test('--shrinkage is refused outside LDA and outside [0, 1]', async () => {
  const bc = fixturePath('breast_cancer.npz');
  const args = ['probe', bc, '--labels', bc, '--key', 'X', '--labels-key', 'y', '--engine', 'cpu'];
  expect((await run([...args, '--shrinkage', 'auto'])).err).toMatch(/--shrinkage applies to --method lda/);
  expect((await run([...args, '--method', 'lda', '--shrinkage', '1.5'])).err).toMatch(
    /--shrinkage must be none, auto or a number in \[0, 1\]/,
  );
});

test('--version prints the package version', async () => {
  const { code, out } = await run(['--version']);
  expect(code).toBe(0);
  expect(out.trim()).toBe(
    `probelab ${JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version}`,
  );
});

test('bad usage and bad files exit non-zero with a message naming the problem', async () => {
  expect((await run(['probe', 'x.npy', '--labels', 'y.npy', '--bogus'])).err).toMatch(/unknown flag --bogus/);
  const truncated = await run([
    'probe',
    fixturePath('bad_truncated.npy'),
    '--labels',
    fixturePath('digits_labels.npy'),
    '--engine',
    'cpu',
  ]);
  expect(truncated.code).toBe(1);
  expect(truncated.err).toMatch(/bad_truncated\.npy: truncated.*byte offset 230080/);
});

test("--budget and PROBELAB_BUDGETS set the readers' limits; a bad budget is named", async () => {
  const base = [
    'probe',
    fixturePath('digits_f32.npy'),
    '--labels',
    fixturePath('digits_labels.csv'),
    '--engine',
    'cpu',
  ];
  const low = await run([...base, '--budget', 'tableCells=100']);
  expect(low.code).toBe(1);
  expect(low.err).toMatch(/digits_labels\.csv: the table has more than 100 cells \(budget tableCells=100; raise with/);
  process.env.PROBELAB_BUDGETS = 'table-cells=50';
  try {
    expect((await run(base)).err).toMatch(/more than 50 cells/);
    // The flag wins over the environment.
    expect((await run([...base, '--budget', 'tableCells=60'])).err).toMatch(/more than 60 cells/);
  } finally {
    delete process.env.PROBELAB_BUDGETS;
  }
  const bogus = await run([...base, '--budget', 'cells=1']);
  expect(bogus.code).toBe(1);
  expect(bogus.err).toMatch(/budget 'cells=1' is not name=value with a name among: tensorElements/);
});

test('a hostile file fails fast with a typed message, before any engine starts', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'probelab-cli-hostile-'));
  const path = join(dir, 'deep.safetensors');
  const json = `{"a":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
  const bytes = Buffer.alloc(8 + json.length);
  bytes.writeBigUInt64LE(BigInt(json.length));
  bytes.write(json, 8, 'latin1');
  writeFileSync(path, bytes);
  const r = await run(['probe', path, '--labels', fixturePath('digits_labels.npy')]);
  expect(r.code).toBe(1);
  expect(r.err).toMatch(
    /deep\.safetensors: header is not valid JSON: nested deeper than 100 levels \(at byte offset \d+\)/,
  );
  expect(r.err.length).toBeLessThan(800);
});

test('sae trains a TopK SAE on planted features and writes SAELens files a reader can load', async () => {
  const out = join(mkdtempSync(join(tmpdir(), 'probelab-cli-sae-')), 'sae');
  const {
    code,
    out: stdout,
    err,
  } = await run([
    'sae',
    fixturePath('planted_acts.npy'),
    '--arch',
    'topk',
    '--d-sae',
    '64',
    '--k',
    '4',
    '--steps',
    '60',
    '--batch',
    '128',
    '--eval-every',
    '20',
    '--engine',
    'cpu',
    '--out',
    out,
    '--json',
  ]);
  expect(code, err).toBe(0);
  const result = JSON.parse(stdout);
  // The CPU engine trains SAEs on its WebAssembly SIMD kernels.
  expect(result.implementation).toBe('cpu-wasm-simd');
  expect(result.steps).toBe(60);
  // Reconstruction is learned: held-out fraction of variance unexplained well below the mean predictor's 1.
  expect(result.test.fvu).toBeGreaterThan(0);
  expect(result.test.fvu).toBeLessThan(0.8);
  expect(result.test.l0).toBeLessThanOrEqual(4);
  expect(err).toMatch(/step 20\/60 .*held-out/);
  const cfg = JSON.parse(readFileSync(join(out, 'cfg.json'), 'utf8'));
  expect(cfg).toMatchObject({ architecture: 'topk', d_in: 64, d_sae: 64, k: 4 });
  // The safetensors header (8-byte little-endian length, then JSON) lists the SAELens tensors with their shapes.
  const st = readFileSync(join(out, 'sae_weights.safetensors'));
  const header = JSON.parse(st.subarray(8, 8 + Number(st.readBigUInt64LE(0))).toString('utf8'));
  expect(header.W_enc.shape).toEqual([64, 64]);
  expect(header.W_dec.shape).toEqual([64, 64]);
  expect(header.b_dec.dtype).toBe('F32');
  expect(JSON.parse(readFileSync(join(out, 'probelab_summary.json'), 'utf8')).steps).toBe(60);
});

test('sae refuses an unknown architecture and flags of the other command, naming them', async () => {
  expect((await run(['sae', 'x.npy', '--arch', 'gated', '--engine', 'cpu'])).err).toMatch(
    /--arch must be one of topk, batchtopk, relu, jumprelu, got gated/,
  );
  expect((await run(['sae', 'x.npy', '--labels', 'y.npy'])).err).toMatch(/unknown flag --labels/);
});
