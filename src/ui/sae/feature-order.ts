import type { FeatureBrowserData } from '../../protocol';
// Sorting and searching latents for the feature browser: pure, so it is tested without rendering.

export type FeatureSort = 'density' | 'maxAct' | 'purity' | 'index';

/** Latent indices filtered by a query (a latent number, or text found in one of its top rows) and sorted descending. */
export function orderFeatures(f: FeatureBrowserData, sort: FeatureSort, query = ''): number[] {
  const m = f.fires.length;
  let ids = Array.from({ length: m }, (_, i) => i);
  const q = query.trim().toLowerCase();
  if (q) {
    const asIndex = /^\d+$/.test(q) ? Number(q) : null;
    ids = ids.filter(
      (i) => i === asIndex || topRowsOf(f, i).some((r) => (f.rowText?.[r] ?? '').toLowerCase().includes(q)),
    );
  }
  const key = (i: number): number => {
    switch (sort) {
      case 'density':
        return f.fires[i] / f.rows;
      case 'maxAct':
        return f.maxAct[i];
      case 'purity':
        return f.purity?.[i] ?? -1;
      case 'index':
        return -i;
    }
  };
  return ids.sort((a, b) => key(b) - key(a) || a - b);
}

export function topRowsOf(f: FeatureBrowserData, latent: number): number[] {
  const out: number[] = [];
  for (let p = 0; p < f.topN; p++) {
    const r = f.topRows[latent * f.topN + p];
    if (r < 0) break;
    out.push(r);
  }
  return out;
}
