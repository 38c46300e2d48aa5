import { expect, test } from 'vitest';
import { decodeSetup, encodeSetup, setupFromUrl, urlWithSetup, type RunSetup } from '../../../src/core/runs/run-setup';
import { DEFAULT_LOGISTIC } from '../../../src/core/probes/logistic';

const setup: RunSetup = {
  version: 1, method: 'logistic',
  config: { ...DEFAULT_LOGISTIC, C: 0.037, optimizer: 'adam', learningRate: 0.003, classWeight: 'balanced' },
  split: { kind: 'random', testFraction: 0.3, seed: 42, stratify: true },
  data: { activations: { fileName: 'acts.safetensors', key: 'blocks.3.hook_resid_post' }, labels: { fileName: 'labels.csv', key: 'is_true' } },
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
