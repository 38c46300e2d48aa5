// Seeded randomness: every random choice in Probelab (splits, restarts, bootstrap, init) draws from here,
// never from Math.random, so a run config with its seed reproduces a run exactly.

/** mulberry32: 32-bit state, full period, good enough statistical quality for splits and inits. */
export function createRng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fisher-Yates in place. */
export function shuffleInPlace<T>(items: T[] | Int32Array, random: () => number): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = items[i];
    items[i] = items[j];
    items[j] = t;
  }
}

/**
 * A seeded uniform sample of `n` of the given rows without replacement (all of them when n ≥ their count), in
 * ascending order: statistics from "the first n rows" are biased whenever a file is ordered (by class, by prompt).
 */
export function sampleRows(rows: Int32Array, n: number, random: () => number): Int32Array {
  if (n >= rows.length) return rows.slice();
  const pool = rows.slice();
  // Partial Fisher-Yates: the first n slots end up a uniform sample.
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(random() * (pool.length - i));
    const t = pool[i];
    pool[i] = pool[j];
    pool[j] = t;
  }
  return pool.subarray(0, n).sort();
}

/** Standard normal by Box-Muller. */
export function normal(random: () => number): number {
  const u = 1 - random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}
