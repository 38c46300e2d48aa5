// Feature browser ordering: sort by density, max activation, purity; search by latent number or top-row text.
import { describe, expect, it } from 'vitest';
import { orderFeatures } from '../../../src/ui/sae/feature-order';
import type { FeatureBrowserData } from '../../../src/protocol';

const f = {
  rows: 10,
  fires: Float64Array.from([1, 5, 3]),
  maxAct: Float64Array.from([9, 1, 4]),
  meanAct: new Float64Array(3),
  topN: 1,
  topRows: Int32Array.from([0, 1, 2]),
  topValues: new Float32Array(3),
  bins: 1,
  histograms: new Float32Array(3),
  neighbours: 0,
  neighbourIndex: new Int32Array(0),
  neighbourCosine: new Float32Array(0),
  purity: [0.5, null, 1],
  rowText: { 0: 'Bonjour', 1: 'hello world', 2: 'Hallo Welt' },
} as FeatureBrowserData;

describe('feature ordering', () => {
  it('sorts descending by the chosen key, latents without a purity last', () => {
    expect(orderFeatures(f, 'density')).toEqual([1, 2, 0]);
    expect(orderFeatures(f, 'maxAct')).toEqual([0, 2, 1]);
    expect(orderFeatures(f, 'purity')).toEqual([2, 0, 1]);
    expect(orderFeatures(f, 'index')).toEqual([0, 1, 2]);
  });
  it('finds latents by number or by text in their top rows, case-insensitively', () => {
    expect(orderFeatures(f, 'density', '2')).toEqual([2]);
    expect(orderFeatures(f, 'density', 'HALLO')).toEqual([2]);
    expect(orderFeatures(f, 'density', 'l')).toEqual([1, 2]);
  });
});
