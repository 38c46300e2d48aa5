// The dataset-statistics job: per-dimension mean and std and row norms of the chosen activations.

import { columnStats } from '../../core/stats/column-stats';
import type { StatsResult, StatsSpec } from '../../protocol';
import type { DatasetStore } from '../dataset-store';

export async function runStats(store: DatasetStore, spec: StatsSpec): Promise<StatsResult> {
  const m = await store.matrix(spec.activations);
  return { kind: 'stats', ...columnStats(m.data, m.rows, m.cols), droppedRows: m.droppedRows?.length ?? 0 };
}
