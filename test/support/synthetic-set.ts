// A labelled activation set generated from a seed, shaped like a user's own dropped set (640 rows, 16 classes):
// class means on a sphere plus Gaussian noise, so a probe learns it, with row texts and, optionally, class names
// and an outlier row. Files come as bytes in the formats the page reads (.npy, .jsonl, .json).
import { createRng } from '../../src/core/math/rng';
import { makeNpy } from '../core/formats/npy-writer';

export interface SyntheticSetOptions {
  name?: string;
  rows?: number;
  dims?: number;
  classes?: number;
  seed?: number;
  /** Scale row 0 by this factor: one extreme outlier. */
  outlier?: number;
}

export interface SyntheticSet {
  activations: { name: string; bytes: Uint8Array };
  labels: { name: string; bytes: Uint8Array };
  meta: { name: string; bytes: Uint8Array };
  classNames: { name: string; bytes: Uint8Array; names: string[] };
  /** Label of each row. */
  codes: Int32Array;
}

export function syntheticSet(opts: SyntheticSetOptions = {}): SyntheticSet {
  const { name = 'acts_640', rows = 640, dims = 24, classes = 16, seed = 1, outlier } = opts;
  const rng = createRng(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
  const means = Array.from({ length: classes }, () => Float64Array.from({ length: dims }, () => 2 * gauss()));
  const x = new Float32Array(rows * dims);
  const codes = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    const c = r % classes;
    codes[r] = c;
    for (let j = 0; j < dims; j++) x[r * dims + j] = means[c][j] + gauss();
  }
  if (outlier) for (let j = 0; j < dims; j++) x[j] *= outlier;
  const names = Array.from({ length: classes }, (_, c) => `topic${String(c).padStart(2, '0')}`);
  const enc = new TextEncoder();
  return {
    activations: { name: `${name}.npy`, bytes: makeNpy('<f4', [rows, dims], new Uint8Array(x.buffer)) },
    labels: { name: `${name}_labels.npy`, bytes: makeNpy('<i4', [rows], new Uint8Array(codes.buffer)) },
    meta: {
      name: `${name}_meta.jsonl`,
      bytes: enc.encode(
        Array.from(codes, (c, r) => JSON.stringify({ row: r, text: `synthetic row ${r} about ${names[c]}` })).join(
          '\n',
        ),
      ),
    },
    classNames: { name: `${name}_classes.json`, bytes: enc.encode(JSON.stringify({ classes: names })), names },
    codes,
  };
}
