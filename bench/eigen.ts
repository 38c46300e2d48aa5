// Host eigen-decomposition (symmetricEigen, f64, single thread) on the matrices it meets in practice: covariances
// of activations, here of 2n seeded Gaussian rows, so full rank. Time only; accuracy lives in the unit tests.
import { meanAndCovariance, symmetricEigen } from '../src/core/math/linalg';
import { createRng, normal } from '../src/core/math/rng';
import { round } from './timing';

function covariance(n: number, seed: number): Float64Array {
  const rows = 2 * n;
  const random = createRng(seed);
  const x = Float32Array.from({ length: rows * n }, () => normal(random));
  return meanAndCovariance(
    x,
    n,
    Array.from({ length: rows }, (_, i) => i),
  ).cov;
}

export async function benchEigen(sizes: number[]): Promise<Record<number, { ms: number }>> {
  symmetricEigen(covariance(64, 1), 64); // let the JIT compile the loops before anything is timed
  const out: Record<number, { ms: number }> = {};
  for (const n of sizes) {
    const cov = covariance(n, n);
    // One run for big n (seconds each); best of three where a run is short enough for noise to matter.
    const reps = n <= 512 ? 3 : 1;
    let best = Infinity;
    for (let r = 0; r < reps; r++) {
      const t0 = performance.now();
      symmetricEigen(cov, n);
      best = Math.min(best, performance.now() - t0);
    }
    out[n] = { ms: round(best, 4) };
  }
  return out;
}
