// Every encoding of scikit-learn's digits loads with the reference shape and sum, and with values equal to the
// raw bytes of digits_f32.npy (exact: digits are integers 0..16, which f16 and bf16 represent exactly).
import { afterAll, describe, expect, it } from 'vitest';
import type { OpenedFile } from '../../../src/core/formats/open-file';
import { closeFixtures, firstMismatch, openFixture, rawF32, rawI64, reference, sum } from './fixtures';

afterAll(closeFixtures);

const digits = rawF32('digits_f32.npy');
const labels = rawI64('digits_labels.npy');
const [N, D] = reference.digits.shape as [number, number];

const open = (name: string): Promise<OpenedFile> => openFixture(name);

describe('digits in every encoding', () => {
  it('the independent reference decode agrees with reference.json', () => {
    expect(digits.length).toBe(N * D);
    expect(sum(digits)).toBe(reference.digits.sum_f32);
    expect(labels.length).toBe(N);
  });

  const activations: [file: string, key: string, kind: string, dtype: string][] = [
    ['digits_f32.npy', '', 'npy', 'f32'],
    ['digits_f16.npy', '', 'npy', 'f16'],
    ['digits_f64_fortran.npy', '', 'npy', 'f64'],
    ['digits_f32_bigendian.npy', '', 'npy', 'f32'],
    ['digits_compressed.npz', 'activations', 'npz', 'f32'],
    ['digits_dict.pt', 'activations', 'torch', 'f32'],
    ['digits_bf16.pt', '', 'torch', 'bf16'],
    ['digits_legacy.pt', '', 'torch', 'f32'],
    ['digits.h5', 'activations', 'hdf5', 'f32'],
    ['digits.safetensors', 'activations', 'safetensors', 'f32'],
    ['digits_f16.safetensors', 'activations', 'safetensors', 'f16'],
    ['digits_bf16.safetensors', 'activations', 'safetensors', 'bf16'],
  ];
  for (const [file, key, kind, dtype] of activations) {
    it(`${file}: shape, sum and every value`, async () => {
      const f = await open(file);
      try {
        expect(f.kind).toBe(kind);
        const t = f.tensors.find((e) => e.key === key);
        expect(t, `tensors: ${f.tensors.map((e) => e.key)}`).toBeDefined();
        expect(t!.dtype).toBe(dtype);
        expect(t!.shape).toEqual([N, D]);
        const progress: number[] = [];
        const values = await t!.readF32((done, total) => progress.push(done / total));
        expect(values.length).toBe(N * D);
        expect(sum(values)).toBeCloseTo(reference.digits.sum_f32, 3);
        expect(firstMismatch(values, digits)).toBe(-1);
        expect(progress.at(-1)).toBe(1);
      } finally {
        f.close?.();
      }
    });
  }

  it('digits_strided_view.pt is rows 0, 2, 4, ... of the same storage', async () => {
    const f = await open('digits_strided_view.pt');
    const [t] = f.tensors;
    expect(t.shape).toEqual([Math.ceil(N / 2), D]);
    const values = await t.readF32();
    const expected = new Float32Array(Math.ceil(N / 2) * D);
    for (let r = 0; r < N; r += 2) expected.set(digits.subarray(r * D, (r + 1) * D), (r / 2) * D);
    expect(firstMismatch(values, expected)).toBe(-1);
  });

  const labelled: [file: string, key: string][] = [
    ['digits_labels.npy', ''],
    ['digits_compressed.npz', 'labels'],
    ['digits_dict.pt', 'labels'],
    ['digits.h5', 'labels'],
    ['digits.safetensors', 'labels'],
    ['digits_bf16.safetensors', 'labels'],
  ];
  for (const [file, key] of labelled) {
    it(`${file}: labels`, async () => {
      const f = await open(file);
      const t = f.tensors.find((e) => e.key === key)!;
      expect(t.dtype).toBe('i64');
      expect(t.shape).toEqual([N]);
      expect(Array.from(await t.readF32())).toEqual(labels);
      f.close?.();
    });
  }

  it('digits_labels.csv: header detected, labels and names', async () => {
    const f = await open('digits_labels.csv');
    expect(f.kind).toBe('table');
    const table = f.table!;
    expect(table.hasHeader).toBe(true);
    expect(table.rowCount).toBe(N);
    expect(table.columns.map((c) => [c.name, c.kind])).toEqual([
      ['row', 'number'],
      ['label', 'number'],
      ['label_name', 'string'],
    ]);
    expect(Array.from(table.columns[0].values as Float64Array)).toEqual(labels.map((_, i) => i));
    expect(Array.from(table.columns[1].values as Float64Array)).toEqual(labels);
    expect(table.columns[2].values.slice(0, 3)).toEqual(['digit 0', 'digit 1', 'digit 2']);
    expect((table.columns[2].values as string[]).every((v, i) => v === `digit ${labels[i]}`)).toBe(true);
  });

  it('the torch dict has exactly its two keys, and safetensors its metadata', async () => {
    expect((await open('digits_dict.pt')).tensors.map((t) => t.key)).toEqual(['activations', 'labels']);
    const st = await open('digits.safetensors');
    expect(st.metadata).toEqual({ source: 'scikit-learn digits', writer: 'safetensors 0.8.0' });
  });
});
