// Source rewrites that derive the kernel variants from kernels.wat: no side effects, so benches may import it
// (tools/build-kernels.mjs writes files when run as a script).

/** The f32 GEMMs' accumulations `c ← c + av·b` of kernels.wat (8 in the unpacked one, 8 in the packed one). */
const MADD = /\(f32x4\.add \(local\.get (\$c\d\d)\) \(f32x4\.mul \(local\.get \$av\) \(local\.get (\$b\d)\)\)\)/g;
/** The f64 GEMM's 8 accumulations `d ← d + av·b`. */
const MADD64 = /\(f64x2\.add \(local\.get (\$d\d\d)\) \(f64x2\.mul \(local\.get \$av\) \(local\.get (\$b\d)\)\)\)/g;

function fuse(wat, pattern, op, expected) {
  let n = 0;
  const out = wat.replace(pattern, (_, c, b) => {
    n++;
    return `(${op} (local.get $av) (local.get ${b}) (local.get ${c}))`;
  });
  if (n !== expected) throw new Error(`build-kernels: expected ${expected} ${op} sites to fuse, found ${n}`);
  return out;
}

/** kernels.wat with the GEMMs' multiply-adds (f32 and f64) as relaxed_madd. */
export function fmaSource(wat) {
  return fuse(fuse(wat, MADD, 'f32x4.relaxed_madd', 16), MADD64, 'f64x2.relaxed_madd', 8);
}

/** The memory kernels.wat defines (the engine's heap) and the shared one its threaded variants import instead. */
const OWN_MEMORY = '(memory (export "memory") 1)';
const SHARED_MEMORY = '(import "env" "memory" (memory $mem 1 65536 shared)) (export "memory" (memory $mem))';

/**
 * kernels.wat importing a shared memory (env.memory), so instances on several threads can work on one memory: the
 * host kernels' helper threads. Needs the threads feature to assemble, and cross-origin isolation in a page.
 */
export function sharedSource(wat) {
  if (!wat.includes(OWN_MEMORY)) throw new Error(`build-kernels: kernels.wat no longer declares ${OWN_MEMORY}`);
  return wat.replace(OWN_MEMORY, SHARED_MEMORY);
}
