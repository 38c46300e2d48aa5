// Source rewrites that derive the kernel variants from kernels.wat: no side effects, so benches may import it
// (tools/build-kernels.mjs writes files when run as a script).

/** The GEMM accumulations `c ← c + av·b` of kernels.wat; the FMA variant rewrites exactly these 8. */
const MADD = /\(f32x4\.add \(local\.get (\$c\d\d)\) \(f32x4\.mul \(local\.get \$av\) \(local\.get (\$b\d)\)\)\)/g;

/** kernels.wat with the GEMM's multiply-adds as relaxed_madd. */
export function fmaSource(wat) {
  let n = 0;
  const out = wat.replace(MADD, (_, c, b) => {
    n++;
    return `(f32x4.relaxed_madd (local.get $av) (local.get ${b}) (local.get ${c}))`;
  });
  if (n !== 8) throw new Error(`build-kernels: expected 8 GEMM multiply-adds to fuse, found ${n}`);
  return out;
}
