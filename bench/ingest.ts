// Ingestion throughput: parsing an f32 .npy and a .safetensors file held in memory (a ByteSource over bytes)
// into Float32Arrays with the product's readers. Measures the parsers, not the disk.
import { bytesSource } from '../src/core/formats/byte-source';
import { openNpy } from '../src/core/formats/npy';
import { writeNpyF32 } from '../src/core/formats/npy-writer';
import { openSafetensors } from '../src/core/formats/safetensors';
import { writeSafetensors } from '../src/core/formats/safetensors-writer';
import { rowBlocks } from '../src/core/formats/row-blocks';
import type { TensorEntry } from '../src/core/formats/tensor-entry';
import type { BenchArgs } from './args';
import { best, randomF32, round } from './timing';

export async function benchIngest(a: BenchArgs) {
  const rows = a.ingestRows,
    cols = a.d;
  const data = randomF32(rows * cols, 11);
  const npy = writeNpyF32(data, [rows, cols]);
  const st = writeSafetensors([{ name: 'acts', shape: [rows, cols], data }]);
  const reps = 5;
  const npyMs = await best(reps, async () => (await openNpy(bytesSource('bench.npy', npy))).readF32());
  const stMs = await best(reps, async () => {
    const f = await openSafetensors(bytesSource('bench.safetensors', st));
    return f.tensors[0].readF32();
  });
  // Streaming by row blocks is how large files reach the GPU: no whole-file Float32Array is ever built.
  const streamAll = async (entry: TensorEntry) => {
    for await (const block of rowBlocks(entry, {})) void block;
  };
  const npyRowsMs = await best(reps, async () => streamAll(await openNpy(bytesSource('bench.npy', npy))));
  const stRowsMs = await best(reps, async () =>
    streamAll((await openSafetensors(bytesSource('bench.safetensors', st))).tensors[0]),
  );
  const gbps = (bytes: number, ms: number) => round(bytes / ms / 1e6, 4);
  return {
    rows,
    cols,
    bytes: rows * cols * 4,
    method: `open + readF32 from an in-memory ByteSource, best of ${reps}`,
    npy: { ms: round(npyMs, 4), GBps: gbps(rows * cols * 4, npyMs), rowBlocksGBps: gbps(rows * cols * 4, npyRowsMs) },
    safetensors: {
      ms: round(stMs, 4),
      GBps: gbps(rows * cols * 4, stMs),
      rowBlocksGBps: gbps(rows * cols * 4, stRowsMs),
    },
  };
}
