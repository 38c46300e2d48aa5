// Fixture datasets for the probe-suite tests, read with the project's own parsers; splits from reference.json.
import { encodeLabels } from '../../../src/core/labels/encode-labels';
import type { ProbeDataset } from '../../../src/core/probes/logistic';
import { bytesSource } from '../../../src/core/formats/byte-source';
import { openNpz } from '../../../src/core/formats/npz';
import { fixtureBytes, readNpyF32, referenceJson } from '../../support/fixtures';

export const splitOf = (ref: { train_idx: number[]; test_idx: number[] }) => ({
  train: Int32Array.from(ref.train_idx),
  test: Int32Array.from(ref.test_idx),
});

async function npz(name: string): Promise<Map<string, { data: Float32Array; shape: number[] }>> {
  const entries = await openNpz(bytesSource(name, fixtureBytes(name)));
  const out = new Map<string, { data: Float32Array; shape: number[] }>();
  for (const e of entries) out.set(e.key, { data: await e.readF32(), shape: e.shape });
  return out;
}

export async function breastCancer(): Promise<ProbeDataset> {
  const z = await npz('breast_cancer.npz');
  const X = z.get('X')!;
  const { codes, classes } = encodeLabels(z.get('y')!.data);
  return { x: X.data, rows: X.shape[0], cols: X.shape[1], labels: codes, classes };
}

export async function contrastPairs() {
  const z = await npz('contrast_pairs.npz');
  const xp = z.get('x_plus')!;
  return {
    xPlus: xp.data,
    xMinus: z.get('x_minus')!.data,
    rows: xp.shape[0],
    cols: xp.shape[1],
    labels: Int32Array.from(z.get('truth')!.data),
  };
}

export async function diabetes() {
  const x = await readNpyF32('diabetes_X.npy');
  const y = await readNpyF32('diabetes_target.npy');
  return { x: x.data, rows: x.shape[0], cols: x.shape[1], y: Float64Array.from(y.data) };
}

/** layers_LND.npy as one [N, D] view per layer, with its labels and the reference split. */
export async function layers() {
  const x = await readNpyF32('layers_LND.npy');
  const y = await readNpyF32('layers_labels.npy');
  const [L, N, D] = x.shape;
  const { codes, classes } = encodeLabels(y.data);
  const perLayer = Array.from({ length: L }, (_, l) => x.data.subarray(l * N * D, (l + 1) * N * D));
  return { perLayer, rows: N, cols: D, labels: codes, classes, split: splitOf(referenceJson().layers) };
}
