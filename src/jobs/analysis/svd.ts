// The weight-SVD job: the top singular values and vectors of a 2-D weight tensor (a loaded one or given inline).

import { weightSvd } from '../../core/project/weight-svd';
import type { SvdResult, SvdSpec } from '../../protocol';
import type { DatasetStore } from '../dataset-store';

export async function runSvd(store: DatasetStore, spec: SvdSpec): Promise<SvdResult> {
  let rows: number, cols: number, values: ArrayLike<number>;
  if ('fileId' in spec.weights) {
    const m = await store.matrix(spec.weights);
    ({ rows, cols } = m);
    values = m.data;
  } else {
    ({ rows, cols, values } = spec.weights);
  }
  return { kind: 'svd', ...weightSvd(values, rows, cols, spec.k) };
}
