import { expect, test } from 'vitest';
import { decodeSetup, encodeSetup, setupFromUrl, urlWithSetup, type RunSetup } from '../../../src/ui/runs/run-setup';
import { DEFAULT_LOGISTIC } from '../../../src/core/probes/logistic';

const setup: RunSetup = {
  version: 1,
  method: 'logistic',
  config: { ...DEFAULT_LOGISTIC, C: 0.037, optimizer: 'adam', learningRate: 0.003, classWeight: 'balanced' },
  split: { kind: 'random', testFraction: 0.3, seed: 42, stratify: true },
  data: {
    activations: { fileName: 'acts.safetensors', key: 'blocks.3.hook_resid_post' },
    labels: { fileName: 'labels.csv', key: 'is_true' },
  },
};

test('a setup survives the URL round trip exactly, unicode names included', () => {
  const withUnicode = { ...setup, data: { ...setup.data, classNames: 'klassen-ä-中.json' } };
  const url = urlWithSetup(new URL('http://localhost:5173/?demo=0'), withUnicode);
  expect(url).toMatch(/^http:\/\/localhost:5173\/\?demo=0#setup=[A-Za-z0-9_-]+$/);
  expect(setupFromUrl(new URL(url))).toEqual(withUnicode);
});

test('a malformed or foreign setup is refused with the reason', () => {
  expect(() => decodeSetup('%%%')).toThrow(/not readable/);
  const v2 = encodeSetup({ ...setup, version: 2 } as unknown as RunSetup);
  expect(() => decodeSetup(v2)).toThrow(/version 2/);
  const badC = encodeSetup({ ...setup, config: { ...setup.config, C: 'big' } } as unknown as RunSetup);
  expect(() => decodeSetup(badC)).toThrow(/C is "big"/);
  const badSplit = encodeSetup({ ...setup, split: { kind: 'random', testFraction: 2, seed: 1, stratify: false } });
  expect(() => decodeSetup(badSplit)).toThrow(/split is invalid/);
});

test('a URL without a setup yields none', () => {
  expect(setupFromUrl(new URL('http://localhost/#other=1'))).toBeNull();
});

import { DEFAULT_SUITE_SETTINGS } from '../../../src/ui/runs/suite-settings';
import { DEFAULT_SAE_CONFIG } from '../../../src/core/sae/config';

const suiteSetup: RunSetup = {
  version: 1,
  method: 'suite',
  suite: {
    ...DEFAULT_SUITE_SETTINGS,
    method: 'lda',
    lda: { shrinkage: 0.3, standardize: false },
    regularizationPath: { ...DEFAULT_SUITE_SETTINGS.regularizationPath, folds: 3 },
  },
  split: { kind: 'group', column: { fileName: 'lande_meta.jsonl', key: 'source' }, testFraction: 0.3, seed: 7 },
  data: {
    activations: { fileName: 'trusted.npy', key: '' },
    labels: { fileName: 'trusted_labels.npy', key: '' },
    external: {
      activations: { fileName: 'untrusted.npy', key: '' },
      labels: { fileName: 'untrusted_labels.npy', key: '' },
    },
    sets: [{ activations: { fileName: 'a.npy', key: '' }, labels: { fileName: 'a_y.npy', key: '' } }],
  },
};

test("every probe-suite method's setup survives the URL round trip, group split and evaluation file included", () => {
  for (const method of [
    'mass-mean',
    'lda',
    'ridge',
    'ccs',
    'layer-sweep',
    'probe-sweep',
    'regularization-path',
    'transfer',
    'apply-probe',
    'logistic',
  ] as const) {
    const s = { ...suiteSetup, suite: { ...suiteSetup.suite, method } } as RunSetup;
    expect(setupFromUrl(new URL(urlWithSetup(new URL('http://localhost/'), s)))).toEqual(s);
  }
  const sae: RunSetup = {
    version: 1,
    method: 'sae',
    config: { ...DEFAULT_SAE_CONFIG, architecture: 'jumprelu', lr: 3e-4 },
    split: { kind: 'random', testFraction: 0.1, seed: 0, stratify: false },
    data: {},
  };
  expect(decodeSetup(encodeSetup(sae))).toEqual(sae);
});

test('a suite setup fills settings it omits with defaults and refuses unknown methods and bad values', () => {
  const partial = encodeSetup({ ...suiteSetup, suite: { method: 'ccs', ccs: { restarts: 3 } } } as unknown as RunSetup);
  const back = decodeSetup(partial);
  expect(back.method === 'suite' && back.suite.ccs).toEqual({ ...DEFAULT_SUITE_SETTINGS.ccs, restarts: 3 });
  expect(back.method === 'suite' && back.suite.lda).toEqual(DEFAULT_SUITE_SETTINGS.lda);
  const bad = (patch: object) =>
    encodeSetup({ ...suiteSetup, suite: { ...suiteSetup.suite, ...patch } } as unknown as RunSetup);
  expect(() => decodeSetup(bad({ method: 'svm' }))).toThrow(
    /suite.method is "svm", expected one of logistic, mass-mean/,
  );
  expect(() => decodeSetup(bad({ lda: { shrinkage: 2, standardize: true } }))).toThrow(
    /suite.lda.shrinkage is 2, expected a number in \[0, 1\]/,
  );
  expect(() => decodeSetup(bad({ lda: { shrinkage: 'oas', standardize: true } }))).toThrow(/shrinkage is "oas"/);
  const sweep = { Cs: [0.1, 10], ldaShrinkages: [0.5], folds: 3, seed: 2, selectBy: 'auroc' };
  const sweepBack = decodeSetup(bad({ method: 'probe-sweep', probeSweep: sweep }));
  expect(sweepBack.method === 'suite' && sweepBack.suite.probeSweep).toEqual(sweep);
  expect(() => decodeSetup(bad({ probeSweep: { ...sweep, Cs: ['1'] } }))).toThrow(
    /suite.probeSweep.Cs is \["1"\], expected a list of numbers/,
  );
  expect(() => decodeSetup(bad({ ridge: { alpha: 'x', standardize: true } }))).toThrow(
    /suite.ridge.alpha is "x", expected a number/,
  );
  expect(() => decodeSetup(encodeSetup({ ...suiteSetup, method: 'probe-magic' } as unknown as RunSetup))).toThrow(
    /unknown method "probe-magic"/,
  );
  expect(() =>
    decodeSetup(
      encodeSetup({
        ...suiteSetup,
        split: { kind: 'group', column: { fileName: 'm.jsonl' }, testFraction: 0.3, seed: 1 },
      } as unknown as RunSetup),
    ),
  ).toThrow(/group column is .*expected \{fileName, key\}/);
  expect(() =>
    decodeSetup(
      encodeSetup({
        ...suiteSetup,
        data: { external: { activations: { fileName: 'u.npy', key: '' } } },
      } as unknown as RunSetup),
    ),
  ).toThrow(/evaluation file labels/);
  expect(() =>
    decodeSetup(
      encodeSetup({
        version: 1,
        method: 'sae',
        config: { architecture: 'gated' },
        split: suiteSetup.split,
        data: {},
      } as unknown as RunSetup),
    ),
  ).toThrow(/architecture is "gated"/);
});
