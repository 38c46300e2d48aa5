// The PCA job: principal components of the chosen activations (covariance on the engine, eigen-decomposition in
// f64 on the host) and a seeded sample of rows projected on two of them, with their labels and texts for hover.

import type { Engine } from '../../core/engine/engine';
import { createRng, shuffleInPlace } from '../../core/math/rng';
import { fitStandardization, standardizeRows } from '../../core/math/standardize';
import { covarianceStats } from '../../core/detect/engine-stats';
import { fitPca, projectRows } from '../../core/project/pca';
import type { PcaResult, PcaSpec } from '../../protocol';
import { DataFileError } from '../../core/formats/errors';
import type { DatasetStore } from '../dataset-store';
import { labelCodes } from './label-codes';

export async function runPca(engine: Engine, store: DatasetStore, spec: PcaSpec): Promise<PcaResult> {
  const m = await store.matrix(spec.activations);
  const all = Int32Array.from({ length: m.rows }, (_, i) => i);
  const x = spec.standardize ? standardizeRows(m.data, m.cols, all, fitStandardization(m.data, m.cols, all)) : m.data;
  const pca = fitPca(await covarianceStats(engine, x, m.cols, all), Math.min(spec.components, m.cols));
  let rowIndex = all;
  if (m.rows > spec.maxPoints) {
    const shuffled = Int32Array.from(all);
    shuffleInPlace(shuffled, createRng(spec.seed));
    rowIndex = shuffled.slice(0, spec.maxPoints).sort();
  }
  const { xs, ys } = projectRows(pca, x, rowIndex, spec.pair[0], spec.pair[1]);
  // Hover texts and colours are row-aligned sources: they pair only when they have a value per activation row.
  let rowText: string[] | undefined;
  if (spec.metadata) {
    const meta = await store.labels(spec.metadata);
    if (meta.values.length !== m.rows)
      throw new DataFileError(
        store.fileName(spec.metadata.fileId),
        `hover texts have ${meta.values.length} rows but the activations have ${m.rows}; they cannot be paired`,
        { key: spec.metadata.key || undefined },
      );
    rowText = Array.from(rowIndex, (r) => String(meta.values[r] ?? ''));
  }
  let rowLabel: string[] | undefined;
  let classes: string[] | undefined;
  if (spec.labels) {
    const named = await labelCodes(store, spec.labels, m.rows, 'the activations', spec.classNames);
    classes = named.classes;
    rowLabel = Array.from(rowIndex, (r) => named.classes[named.codes[r]]);
  }
  return {
    kind: 'pca',
    explainedVarianceRatio: pca.explainedVarianceRatio,
    singularValues: pca.singularValues,
    xs,
    ys,
    rowIndex,
    rowText,
    rowLabel,
    classes,
    totalRows: m.rows,
    sampled: rowIndex.length < m.rows,
  };
}
