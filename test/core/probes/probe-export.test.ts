// Probe export/import round trips (bit-exact), refusal of damaged files, and applying an imported probe.
import { describe, expect, test } from 'vitest';
import {
  probeToPlain,
  probeFromJson,
  probeFromNpz,
  probeFromSafetensors,
  probeToJson,
  probeToNpz,
  probeToSafetensors,
} from '../../../src/core/probes/probe-export';
import { applyProbe, type LinearProbeModel } from '../../../src/core/probes/linear-probe';
import { fitLda } from '../../../src/core/probes/lda';
import { bytesSource } from '../../../src/core/formats/byte-source';
import { openNpy } from '../../../src/core/formats/npy';
import { openNpz } from '../../../src/core/formats/npz';
import { openSafetensors } from '../../../src/core/formats/safetensors';
import { ccsCredence } from '../../../src/core/probes/ccs';
import { writeNpyF32 } from '../../../src/core/formats/npy-writer';
import { accuracy, auroc } from '../../../src/core/math/metrics';
import { DataFileError } from '../../../src/core/formats/errors';
import { referenceJson } from '../../support/fixtures';
import { breastCancer, splitOf } from './datasets';

const probe = (): LinearProbeModel => ({
  method: 'ccs',
  link: 'logit',
  cols: 3,
  outputs: 1,
  classes: ['false', 'true'],
  weights: Float64Array.from([0.1, -2.5, Math.PI]),
  intercept: Float64Array.of(-1 / 3),
  standardization: { mean: Float64Array.from([1, 2, 3]), scale: Float64Array.from([0.5, 1, 7]) },
  pairStandardization: { mean: Float64Array.from([-1, 0, 1e-8]), scale: Float64Array.from([1, 1, 1]) },
});

const f32 = (a: Float64Array) => Array.from(Float32Array.from(a));

describe('probe export', () => {
  test('JSON round-trips every f64 value bit-exactly', () => {
    const p = probe();
    const back = probeFromJson(probeToJson(p));
    expect(back).toEqual(p);
    expect(probeToJson(back)).toBe(probeToJson(p));
  });

  test('safetensors round-trips the f32 values exactly and re-exports to identical bytes', async () => {
    const p = probe();
    const bytes = probeToSafetensors(p);
    const back = await probeFromSafetensors(bytes);
    expect(Array.from(back.weights)).toEqual(f32(p.weights));
    expect(Array.from(back.pairStandardization!.mean)).toEqual(f32(p.pairStandardization!.mean));
    expect(back.classes).toEqual(p.classes);
    expect(back.method).toBe('ccs');
    expect(probeToSafetensors(back)).toEqual(bytes);
  });

  test('npz round-trips exactly, and its members are standard .npy files', async () => {
    const p = probe();
    const bytes = probeToNpz(p);
    const back = await probeFromNpz(bytes);
    expect(Array.from(back.intercept)).toEqual(f32(p.intercept));
    expect(Array.from(back.standardization.scale)).toEqual(f32(p.standardization.scale));
    expect(probeToNpz(back)).toEqual(bytes);
  });

  test('the .npy writer lays out a header numpy and our reader accept', async () => {
    const bytes = writeNpyF32(Float32Array.from([1, 2, 3, 4, 5, 6]), [2, 3]);
    // numpy: magic, version 1.0, header padded so the data starts at a multiple of 64.
    expect(Array.from(bytes.subarray(0, 8))).toEqual([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
    const headerEnd = 10 + (bytes[8] | (bytes[9] << 8));
    expect(headerEnd % 64).toBe(0);
    expect(bytes.length).toBe(headerEnd + 6 * 4);
    expect(new TextDecoder().decode(bytes.subarray(10, headerEnd))).toMatch(
      /^\{'descr': '<f4', 'fortran_order': False, 'shape': \(2, 3\), \} *\n$/,
    );
    const entry = await openNpy(bytesSource('x.npy', bytes));
    expect(entry.shape).toEqual([2, 3]);
    expect(Array.from(await entry.readF32())).toEqual([1, 2, 3, 4, 5, 6]);
  });

  test('import refuses a wrong-sized or non-finite tensor, naming it', () => {
    const good = JSON.parse(probeToJson(probe()));
    expect(() => probeFromJson(JSON.stringify({ ...good, bias: [1, 2] }))).toThrow(/"bias" has 2 values/);
    expect(() => probeFromJson(JSON.stringify({ ...good, format: 'other' }))).toThrow(DataFileError);
    expect(() => probeFromJson(JSON.stringify({ ...good, scale: [1, 0, 1] }))).toThrow(/"scale"\[1\] is 0/);
  });

  test('an imported LDA probe applied to the breast_cancer test rows gives the same predictions and AUROC', async () => {
    const ref = referenceJson().breast_cancer;
    const data = await breastCancer();
    const split = splitOf(ref);
    const model = fitLda(data, split);
    const imported = await probeFromSafetensors(probeToSafetensors(model));
    const scores = applyProbe(imported, data.x, data.cols, split.test);
    const labels = Array.from(split.test, (r) => data.labels[r]);
    expect(
      Math.abs(
        accuracy(
          Array.from(scores, (s) => (s > 0 ? 1 : 0)),
          labels,
        )! - ref.lda.test_acc,
      ),
    ).toBeLessThanOrEqual(1e-3);
    expect(
      Math.abs(
        auroc(
          scores,
          labels.map((l) => l === 1),
        )! - ref.lda.test_auroc,
      ),
    ).toBeLessThanOrEqual(1e-3);
    expect(() => applyProbe(imported, data.x, 29)).toThrow(/expects 30 features/);
  });
});

describe('the space each export states', () => {
  const model = (over: Partial<LinearProbeModel> = {}): LinearProbeModel => ({
    method: 'lda',
    link: 'logit',
    cols: 3,
    outputs: 1,
    classes: ['a', 'b'],
    weights: Float64Array.from([0.1, -2.5, Math.PI]),
    intercept: Float64Array.of(-1 / 3),
    standardization: { mean: Float64Array.from([1, 2, 3]), scale: Float64Array.from([0.5, 1, 7]) },
    ...over,
  });
  const x = Float32Array.from([0.3, -1, 2, 5, 0.25, -4]);

  test('safetensors, npz and JSON carry raw_weight and raw_bias that score raw rows as the probe does', async () => {
    const m = model();
    const expected = applyProbe(m, x, 3);
    const rawScores = (w: ArrayLike<number>, b: ArrayLike<number>) =>
      [0, 1].map((r) => b[0] + w[0] * x[r * 3] + w[1] * x[r * 3 + 1] + w[2] * x[r * 3 + 2]);
    const plain = JSON.parse(probeToJson(m));
    rawScores(plain.raw_weight, plain.raw_bias).forEach((v, r) => expect(v).toBeCloseTo(expected[r], 12));
    expect(plain.weight_space).toBe('standardized');
    expect(plain.space).toMatch(/standardized rows/);
    const st = await openSafetensors(bytesSource('p.safetensors', probeToSafetensors(m)));
    const tensor = async (key: string) => Array.from(await st.tensors.find((t) => t.key === key)!.readF32());
    rawScores(await tensor('raw_weight'), await tensor('raw_bias')).forEach((v, r) =>
      expect(v).toBeCloseTo(expected[r], 5),
    );
    expect(JSON.parse(st.metadata.probelab).weight_space).toBe('standardized');
    const npz = await openNpz(bytesSource('p.npz', probeToNpz(m)));
    expect(npz.map((e) => e.key)).toEqual(expect.arrayContaining(['raw_weight', 'raw_bias']));
  });

  test('a probe fitted on raw activations says so, and its weight is its raw weight', () => {
    const m = model({ standardization: { mean: new Float64Array(3), scale: new Float64Array(3).fill(1) } });
    const plain = probeToPlain(m);
    expect(plain.weight_space).toBe('activations');
    expect(plain.space).toMatch(/raw activations/);
    expect(plain.raw_weight).toEqual(plain.weight);
    expect(plain.raw_bias).toEqual(plain.bias);
  });

  test("CCS's raw twins per side reproduce its credence on raw contrast pairs", () => {
    const m = probe();
    const xPlus = Float32Array.from([0.3, -1, 2, 5, 0.25, -4]);
    const xMinus = Float32Array.from([1, 1, -2, 0, 3.5, 4]);
    const credence = ccsCredence(m, { xPlus, xMinus, rows: 2, cols: 3 }, [0, 1]);
    const plain = probeToPlain(m) as Record<string, number[]>;
    const sig = (z: number) => 1 / (1 + Math.exp(-z));
    const side = (v: Float32Array, w: number[], b: number[], r: number) =>
      sig(b[0] + w[0] * v[r * 3] + w[1] * v[r * 3 + 1] + w[2] * v[r * 3 + 2]);
    [0, 1].forEach((r) =>
      expect(
        0.5 *
          (side(xPlus, plain.raw_weight, plain.raw_bias, r) +
            1 -
            side(xMinus, plain.raw_weight_minus, plain.raw_bias_minus, r)),
      ).toBeCloseTo(credence[r], 12),
    );
    expect(String(probeToPlain(m).space)).toMatch(/credence/);
  });
});
