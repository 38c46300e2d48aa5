// Runs in a dedicated worker of the browser test page (where Atomics.wait is allowed): the eigensolver on the
// host kernels with helper Web Workers, against the same kernels alone. Posts what the test asserts on.
import { useHostKernels } from '../../../../src/core/math/host-kernels';
import { symmetricEigen } from '../../../../src/core/math/linalg';
import { createRng, normal } from '../../../../src/core/math/rng';
import { WasmHostKernels } from '../../../../src/engine/cpu/kernels/host-f64';
import { webHostThreads } from '../../../../src/engine/cpu/kernels/web-host-threads';

const n = 800;
const a = new Float64Array(n * n);
const rng = createRng(5);
for (let i = 0; i < n; i++) for (let j = i; j < n; j++) a[i * n + j] = a[j * n + i] = normal(rng);

async function main() {
  const threads = webHostThreads();
  if (!threads) return { error: `no helper threads (crossOriginIsolated: ${String(globalThis.crossOriginIsolated)})` };
  const team = new WasmHostKernels(undefined, threads);
  useHostKernels(team);
  // As installWasmHostKernels does: the helpers start while this worker is idle. A browser starts them only when
  // it yields to its event loop, which on a loaded machine can take a while: solve and yield until they have
  // taken parts (or give up).
  team.startHelpers();
  await new Promise((r) => setTimeout(r, 0));
  for (let i = 0; i < 30 && team.helperParts === 0; i++) {
    symmetricEigen(a, n);
    await new Promise((r) => setTimeout(r, 100));
  }
  const shared = symmetricEigen(a, n);
  useHostKernels(new WasmHostKernels());
  const alone = symmetricEigen(a, n);
  let differing = 0;
  for (let i = 0; i < n * n; i++) if (!Object.is(shared.vectors[i], alone.vectors[i])) differing++;
  for (let i = 0; i < n; i++) if (!Object.is(shared.values[i], alone.values[i])) differing++;
  // ‖A v − λ v‖ for the largest pair, against the matrix itself.
  let residual = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += a[i * n + j] * shared.vectors[j * n];
    residual = Math.max(residual, Math.abs(s - shared.values[0] * shared.vectors[i * n]));
  }
  return { name: team.name, helpers: threads.helpers, helperParts: team.helperParts, differing, residual };
}

main().then(
  (r) => postMessage(r),
  (e: unknown) => postMessage({ error: String(e) }),
);
