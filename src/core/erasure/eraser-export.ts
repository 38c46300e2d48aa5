// Eraser export: named f32 tensors in concept-erasure's LeaceEraser layout (proj_left [d, r], proj_right [r, d],
// bias [d]; x' = x − (x − bias)·proj_rightᵀ·proj_leftᵀ) written as .safetensors, plus a self-describing JSON
// form that keeps f64 values.

import { writeSafetensors, type F32Tensor } from '../formats/safetensors-writer';
import type { ErasureMethod, LinearEraser } from './linear-eraser';

export function eraserTensors(e: LinearEraser): F32Tensor[] {
  return [
    { name: 'proj_left', shape: [e.d, e.rank], data: Float32Array.from(e.left) },
    { name: 'proj_right', shape: [e.rank, e.d], data: Float32Array.from(e.right) },
    { name: 'bias', shape: [e.d], data: Float32Array.from(e.mean) },
  ];
}

/** The eraser as .safetensors bytes (f32), method and shrinkage in the metadata. */
export function eraserSafetensors(e: LinearEraser): Uint8Array {
  return writeSafetensors(eraserTensors(e), {
    method: e.method,
    shrinkage: String(e.shrinkage),
    formula: "x' = x - proj_left @ proj_right @ (x - bias)",
  });
}

export interface EraserJson {
  format: 'probelab-eraser';
  version: 1;
  method: ErasureMethod;
  d: number;
  rank: number;
  shrinkage: number;
  formula: string;
  bias: number[];
  proj_left: number[];
  proj_right: number[];
}

export function eraserToJson(e: LinearEraser): EraserJson {
  return {
    format: 'probelab-eraser',
    version: 1,
    method: e.method,
    d: e.d,
    rank: e.rank,
    shrinkage: e.shrinkage,
    formula: "x' = x - proj_left @ proj_right @ (x - bias); proj_left [d, rank], proj_right [rank, d], row-major",
    bias: Array.from(e.mean),
    proj_left: Array.from(e.left),
    proj_right: Array.from(e.right),
  };
}

export function eraserFromJson(json: EraserJson): LinearEraser {
  if (json.format !== 'probelab-eraser' || json.version !== 1)
    throw new Error(`not a probelab eraser (format ${json.format}, version ${json.version})`);
  const { d, rank } = json;
  const check = (name: string, arr: number[], n: number) => {
    if (!Array.isArray(arr) || arr.length !== n)
      throw new Error(`invalid eraser: ${name} has ${arr?.length} values, expected ${n}`);
    arr.forEach((v, i) => {
      if (!Number.isFinite(v)) throw new Error(`invalid eraser: ${name}[${i}] = ${v}`);
    });
  };
  check('bias', json.bias, d);
  check('proj_left', json.proj_left, d * rank);
  check('proj_right', json.proj_right, rank * d);
  return {
    method: json.method,
    d,
    rank,
    shrinkage: json.shrinkage,
    mean: Float64Array.from(json.bias),
    left: Float64Array.from(json.proj_left),
    right: Float64Array.from(json.proj_right),
  };
}
