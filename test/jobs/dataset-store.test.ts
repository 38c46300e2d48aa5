// The worker's store: layer and token views, labels aligned to them, the non-finite scan and the drop option,
// and a clear refusal for views too large to hold. References: numpy-written fixtures sliced by hand.
import { expect, test } from 'vitest';
import { bytesSource } from '../../src/core/formats/byte-source';
import { DatasetStore } from '../../src/jobs/dataset-store';
import { fixtureBytes, rawF32, rawI64 } from '../core/formats/fixtures';
import { makeNpy } from '../core/formats/npy-writer';
import { npyHeader, virtualSource } from '../core/formats/virtual-source';

async function storeWith(...names: string[]) {
  const store = new DatasetStore();
  for (const n of names) await store.open(n, bytesSource(n, fixtureBytes(n)));
  return store;
}

test('a layer of [L, N, D] and the per-layer keys of a safetensors dict give the same numpy values', async () => {
  const store = await storeWith('layers_LND.npy', 'layers.safetensors', 'layers_labels.npy');
  const all = rawF32('layers_LND.npy'); // [6, 2000, 32]
  for (const layer of [0, 3, 5]) {
    const m = await store.matrix({ fileId: 'layers_LND.npy', key: '', layer });
    expect([m.rows, m.cols]).toEqual([2000, 32]);
    expect(m.data).toEqual(all.subarray(layer * 64000, (layer + 1) * 64000));
    const k = await store.matrix({ fileId: 'layers.safetensors', key: `layer_${layer}` });
    expect(k.data).toEqual(m.data);
  }
  await expect(store.matrix({ fileId: 'layers_LND.npy', key: '' })).rejects.toThrow(/choose a layer/);
  const labels = await store.labels({
    fileId: 'layers_labels.npy',
    key: '',
    alignTo: { fileId: 'layers_LND.npy', key: '', layer: 2 },
  });
  expect(Array.from(labels.values as Float32Array)).toEqual(rawI64('layers_labels.npy'));
});

test('[N, T, D] by token: a position, the mean, and flatten with labels repeated per token', async () => {
  const [N, T, D] = [4, 3, 2];
  const v = new Float32Array(N * T * D);
  for (let i = 0; i < N; i++)
    for (let t = 0; t < T; t++) for (let j = 0; j < D; j++) v[(i * T + t) * D + j] = 100 * i + 10 * t + j;
  const store = new DatasetStore();
  await store.open('a', bytesSource('tokens.npy', makeNpy('<f4', [N, T, D], new Uint8Array(v.buffer))));
  await store.open(
    'y',
    bytesSource('y.npy', makeNpy('<f4', [N], new Uint8Array(Float32Array.from([0, 1, 0, 1]).buffer))),
  );
  expect(Array.from((await store.matrix({ fileId: 'a', key: '', token: 0 })).data)).toEqual([
    0, 1, 100, 101, 200, 201, 300, 301,
  ]);
  expect(Array.from((await store.matrix({ fileId: 'a', key: '', token: 'mean' })).data)).toEqual([
    10, 11, 110, 111, 210, 211, 310, 311,
  ]);
  const flat = await store.matrix({ fileId: 'a', key: '', token: 'flatten' });
  expect([flat.rows, flat.cols]).toEqual([12, 2]);
  expect(flat.data[2 * 3 * 2 + 1 * 2]).toBe(210);
  const y = await store.labels({ fileId: 'y', key: '', alignTo: { fileId: 'a', key: '', token: 'flatten' } });
  expect(Array.from(y.values as Float32Array)).toEqual([0, 0, 0, 1, 1, 1, 0, 0, 0, 1, 1, 1]);
});

test('NaN/Inf are reported at load, refused by default, and dropped from activations and labels on request', async () => {
  const store = await storeWith('bad_has_nan.npy', 'digits_labels.npy');
  const summary = await store.open('bad_has_nan.npy', bytesSource('bad_has_nan.npy', fixtureBytes('bad_has_nan.npy')));
  // The fixture's README: one NaN at (5, 3) and one +Inf at (7, 1).
  expect(summary.nonFinite).toEqual([
    {
      key: '',
      nan: 1,
      posInf: 1,
      negInf: 0,
      rows: 2,
      first: [
        { row: 5, col: 3, kind: 'NaN' },
        { row: 7, col: 1, kind: '+Inf' },
      ],
    },
  ]);
  const ref = { fileId: 'bad_has_nan.npy', key: '' };
  await expect(store.matrix(ref)).rejects.toThrow(/row 5, column 3 is not finite .*drop non-finite rows/);
  const m = await store.matrix({ ...ref, dropNonFinite: true });
  expect(m.rows).toBe(1795);
  expect(m.droppedRows).toEqual([5, 7]);
  const digits = rawF32('digits_f32.npy');
  expect(m.data.subarray(5 * 64, 6 * 64)).toEqual(digits.subarray(6 * 64, 7 * 64)); // row 6 moved up to 5
  const y = await store.labels({ fileId: 'digits_labels.npy', key: '', alignTo: { ...ref, dropNonFinite: true } });
  const want = rawI64('digits_labels.npy').filter((_, i) => i !== 5 && i !== 7);
  expect(Array.from(y.values as Float32Array)).toEqual(want);
});

test('a tensor too large to hold is streamable by blocks, and matrix() says how', async () => {
  const [rows, cols] = [1_100_000, 1000];
  const store = new DatasetStore();
  const summary = await store.open('big', virtualSource('big.npy', npyHeader([rows, cols]), rows * cols));
  expect(summary.unscanned).toEqual(['']);
  await expect(store.matrix({ fileId: 'big', key: '' })).rejects.toThrow(
    /more than the 1073741824 values .* streaming consumer .*DatasetStore.blocks/,
  );
  let seen = 0;
  for await (const b of store.blocks({ fileId: 'big', key: '' })) {
    expect(b.rowStart).toBe(seen);
    seen += b.rows;
    if (seen > 50_000) break; // the 4.4 GB stream itself is covered by the formats test
  }
  expect(seen).toBeGreaterThan(50_000);
});

test('hostile files are refused with the file named, and every file loaded before keeps working', async () => {
  const store = await storeWith('digits_f32.npy', 'digits_labels.npy');
  const before = await store.matrix({ fileId: 'digits_f32.npy', key: '' });
  const hostile: [string, Uint8Array][] = [
    ['notes.npy', new TextEncoder().encode('not an npy')],
    ['deep.jsonl', new TextEncoder().encode(`{"a": ${'['.repeat(50_000)}${']'.repeat(50_000)}}\n`)],
    ['split.json', new TextEncoder().encode(`{"train_idx": ${'['.repeat(50_000)}}`)],
    ['bad.npz', new Uint8Array([0x50, 0x4b, 5, 6, ...new Array(18).fill(0xff)])],
  ];
  for (const [name, bytes] of hostile) {
    const err = await store.open(name, bytesSource(name, bytes)).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message.startsWith(`${name}: `)).toBe(true);
  }
  const after = await store.matrix({ fileId: 'digits_f32.npy', key: '' });
  expect(after.data).toEqual(before.data);
  expect((await store.labels({ fileId: 'digits_labels.npy', key: '' })).values.length).toBe(1797);
});

test('rows without values ([2^53 - 1, 0]) load without a scan looping over them, and are refused as activations', async () => {
  const store = new DatasetStore();
  const summary = await store.open(
    'e.npy',
    bytesSource('e.npy', makeNpy('<f4', [Number.MAX_SAFE_INTEGER, 0], new Uint8Array(0))),
  );
  expect(summary.tensors[0].shape).toEqual([Number.MAX_SAFE_INTEGER, 0]);
  await expect(store.matrix({ fileId: 'e.npy', key: '' })).rejects.toThrow(
    /e\.npy: shape \[9007199254740991,0\] has no values per row/,
  );
});

test('the load-time scan stops at its work budget: the rest are listed as unscanned, not read', async () => {
  // 400 tensors of 1M f32 each, described by a safetensors header over a synthesised source (1.6 GB of values).
  const n = 400;
  const per = 1 << 20;
  const header: Record<string, unknown> = {};
  for (let i = 0; i < n; i++)
    header[`t${i}`] = { dtype: 'F32', shape: [per], data_offsets: [i * per * 4, (i + 1) * per * 4] };
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (json.length % 8)) % 8);
  const head = new Uint8Array(8 + json.length);
  new DataView(head.buffer).setBigUint64(0, BigInt(json.length), true);
  head.set(new TextEncoder().encode(json), 8);
  const store = new DatasetStore();
  const summary = await store.open('many.safetensors', virtualSource('many.safetensors', head, n * per));
  // 1 GiB of scanning covers 256 of them.
  expect(summary.unscanned?.length).toBe(n - 256);
});

test('row metadata in another order attaches through an id column: each value lands at its activation row', async () => {
  const store = new DatasetStore();
  const acts = makeNpy('<f4', [4, 2], new Uint8Array(new Float32Array(8).buffer));
  await store.open('acts', bytesSource('acts.npy', acts));
  // Rows listed backwards and one missing (row 1): ids say where each belongs.
  const meta = ['{"id": 3, "text": "d"}', '{"id": 0, "text": "a"}', '{"id": 2, "text": "c"}'].join('\n');
  await store.open('meta', bytesSource('meta.jsonl', new TextEncoder().encode(meta)));
  const texts = await store.labels({ fileId: 'meta', key: 'text', rowIds: 'id', alignTo: { fileId: 'acts', key: '' } });
  expect(texts).toEqual({ kind: 'string', values: ['a', '', 'c', 'd'] });
});
