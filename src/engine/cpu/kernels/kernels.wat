;; The CPU engine's hot loops as WebAssembly SIMD (f32x4): a register-tiled GEMM, a fused Adam update, f64 sums of
;; squares, and the sparse decode/scatter/dot loops over CSR codes. Every pointer is a byte offset into the exported
;; memory; matrices are row-major f32. Regenerate kernels-wasm.ts with `node tools/build-kernels.mjs` after editing.
(module
  (memory (export "memory") 1)

  ;; C[i, j] (+)= Σ_k A(i, k)·B[k, j] for i in [i0, i1), j in [j0, j1): the scalar edges of gemm.
  (func $gemmEdge (param $a i32) (param $aRow i32) (param $aK i32) (param $b i32) (param $c i32)
    (param $i0 i32) (param $i1 i32) (param $j0 i32) (param $j1 i32) (param $K i32) (param $N i32) (param $acc i32)
    (local $i i32) (local $j i32) (local $k i32) (local $s f32) (local $pa i32) (local $pb i32) (local $pc i32)
    (local.set $i (local.get $i0))
    (block $idone
      (loop $il
        (br_if $idone (i32.ge_s (local.get $i) (local.get $i1)))
        (local.set $j (local.get $j0))
        (block $jdone
          (loop $jl
            (br_if $jdone (i32.ge_s (local.get $j) (local.get $j1)))
            (local.set $s (f32.const 0))
            (local.set $pa (i32.add (local.get $a) (i32.shl (i32.mul (local.get $i) (local.get $aRow)) (i32.const 2))))
            (local.set $pb (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))))
            (local.set $k (i32.const 0))
            (block $kdone
              (loop $kl
                (br_if $kdone (i32.ge_s (local.get $k) (local.get $K)))
                (local.set $s (f32.add (local.get $s) (f32.mul (f32.load (local.get $pa)) (f32.load (local.get $pb)))))
                (local.set $pa (i32.add (local.get $pa) (i32.shl (local.get $aK) (i32.const 2))))
                (local.set $pb (i32.add (local.get $pb) (i32.shl (local.get $N) (i32.const 2))))
                (local.set $k (i32.add (local.get $k) (i32.const 1)))
                (br $kl)))
            (local.set $pc
              (i32.add (local.get $c) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $N)) (local.get $j)) (i32.const 2))))
            (if (local.get $acc) (then (local.set $s (f32.add (local.get $s) (f32.load (local.get $pc))))))
            (f32.store (local.get $pc) (local.get $s))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $jl)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $il))))

  ;; C[M, N] (+)= A·B with A(i, k) at a + 4·(i·aRow + k·aK) (A·B: aRow = K, aK = 1; Aᵀ·B: aRow = 1, aK = M),
  ;; B [K, N]. Tiles of 4 rows × 8 columns keep 8 f32x4 accumulators in registers; each k loads one 8-wide strip
  ;; of B (columns outermost, so a K×8 panel of B stays in L1 across the row tiles) and four scalars of A.
  (func (export "gemm") (param $a i32) (param $aRow i32) (param $aK i32) (param $b i32) (param $c i32)
    (param $M i32) (param $K i32) (param $N i32) (param $acc i32)
    (local $i i32) (local $j i32) (local $k i32) (local $M4 i32) (local $N8 i32)
    (local $p0 i32) (local $p1 i32) (local $p2 i32) (local $p3 i32) (local $pb i32) (local $pc i32)
    (local $aKB i32) (local $NB i32)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local $b0 v128) (local $b1 v128) (local $av v128)
    (local.set $M4 (i32.and (local.get $M) (i32.const -4)))
    (local.set $N8 (i32.and (local.get $N) (i32.const -8)))
    (local.set $aKB (i32.shl (local.get $aK) (i32.const 2)))
    (local.set $NB (i32.shl (local.get $N) (i32.const 2)))
    (local.set $j (i32.const 0))
    (block $jdone
      (loop $jl
        (br_if $jdone (i32.ge_s (local.get $j) (local.get $N8)))
        (local.set $i (i32.const 0))
        (block $idone
          (loop $il
            (br_if $idone (i32.ge_s (local.get $i) (local.get $M4)))
            (local.set $c00 (v128.const i32x4 0 0 0 0)) (local.set $c01 (v128.const i32x4 0 0 0 0))
            (local.set $c10 (v128.const i32x4 0 0 0 0)) (local.set $c11 (v128.const i32x4 0 0 0 0))
            (local.set $c20 (v128.const i32x4 0 0 0 0)) (local.set $c21 (v128.const i32x4 0 0 0 0))
            (local.set $c30 (v128.const i32x4 0 0 0 0)) (local.set $c31 (v128.const i32x4 0 0 0 0))
            (local.set $p0 (i32.add (local.get $a) (i32.shl (i32.mul (local.get $i) (local.get $aRow)) (i32.const 2))))
            (local.set $p1 (i32.add (local.get $p0) (i32.shl (local.get $aRow) (i32.const 2))))
            (local.set $p2 (i32.add (local.get $p1) (i32.shl (local.get $aRow) (i32.const 2))))
            (local.set $p3 (i32.add (local.get $p2) (i32.shl (local.get $aRow) (i32.const 2))))
            (local.set $pb (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))))
            (local.set $k (local.get $K))
            (block $kdone
              (loop $kl
                (br_if $kdone (i32.le_s (local.get $k) (i32.const 0)))
                (local.set $b0 (v128.load (local.get $pb)))
                (local.set $b1 (v128.load offset=16 (local.get $pb)))
                (local.set $av (f32x4.splat (f32.load (local.get $p0))))
                (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $av) (local.get $b0))))
                (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $av) (local.get $b1))))
                (local.set $av (f32x4.splat (f32.load (local.get $p1))))
                (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (local.get $av) (local.get $b0))))
                (local.set $c11 (f32x4.add (local.get $c11) (f32x4.mul (local.get $av) (local.get $b1))))
                (local.set $av (f32x4.splat (f32.load (local.get $p2))))
                (local.set $c20 (f32x4.add (local.get $c20) (f32x4.mul (local.get $av) (local.get $b0))))
                (local.set $c21 (f32x4.add (local.get $c21) (f32x4.mul (local.get $av) (local.get $b1))))
                (local.set $av (f32x4.splat (f32.load (local.get $p3))))
                (local.set $c30 (f32x4.add (local.get $c30) (f32x4.mul (local.get $av) (local.get $b0))))
                (local.set $c31 (f32x4.add (local.get $c31) (f32x4.mul (local.get $av) (local.get $b1))))
                (local.set $p0 (i32.add (local.get $p0) (local.get $aKB)))
                (local.set $p1 (i32.add (local.get $p1) (local.get $aKB)))
                (local.set $p2 (i32.add (local.get $p2) (local.get $aKB)))
                (local.set $p3 (i32.add (local.get $p3) (local.get $aKB)))
                (local.set $pb (i32.add (local.get $pb) (local.get $NB)))
                (local.set $k (i32.sub (local.get $k) (i32.const 1)))
                (br $kl)))
            (local.set $pc
              (i32.add (local.get $c) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $N)) (local.get $j)) (i32.const 2))))
            (if (local.get $acc)
              (then
                (local.set $c00 (f32x4.add (local.get $c00) (v128.load (local.get $pc))))
                (local.set $c01 (f32x4.add (local.get $c01) (v128.load offset=16 (local.get $pc))))
                (local.set $c10 (f32x4.add (local.get $c10) (v128.load (i32.add (local.get $pc) (local.get $NB)))))
                (local.set $c11 (f32x4.add (local.get $c11) (v128.load offset=16 (i32.add (local.get $pc) (local.get $NB)))))
                (local.set $c20 (f32x4.add (local.get $c20)
                  (v128.load (i32.add (local.get $pc) (i32.shl (local.get $NB) (i32.const 1))))))
                (local.set $c21 (f32x4.add (local.get $c21)
                  (v128.load offset=16 (i32.add (local.get $pc) (i32.shl (local.get $NB) (i32.const 1))))))
                (local.set $c30 (f32x4.add (local.get $c30)
                  (v128.load (i32.add (local.get $pc) (i32.mul (local.get $NB) (i32.const 3))))))
                (local.set $c31 (f32x4.add (local.get $c31)
                  (v128.load offset=16 (i32.add (local.get $pc) (i32.mul (local.get $NB) (i32.const 3))))))))
            (v128.store (local.get $pc) (local.get $c00))
            (v128.store offset=16 (local.get $pc) (local.get $c01))
            (local.set $pc (i32.add (local.get $pc) (local.get $NB)))
            (v128.store (local.get $pc) (local.get $c10))
            (v128.store offset=16 (local.get $pc) (local.get $c11))
            (local.set $pc (i32.add (local.get $pc) (local.get $NB)))
            (v128.store (local.get $pc) (local.get $c20))
            (v128.store offset=16 (local.get $pc) (local.get $c21))
            (local.set $pc (i32.add (local.get $pc) (local.get $NB)))
            (v128.store (local.get $pc) (local.get $c30))
            (v128.store offset=16 (local.get $pc) (local.get $c31))
            (local.set $i (i32.add (local.get $i) (i32.const 4)))
            (br $il)))
        (local.set $j (i32.add (local.get $j) (i32.const 8)))
        (br $jl)))
    ;; Rows past the last full tile (all columns), then the columns past the last full strip.
    (call $gemmEdge (local.get $a) (local.get $aRow) (local.get $aK) (local.get $b) (local.get $c)
      (local.get $M4) (local.get $M) (i32.const 0) (local.get $N) (local.get $K) (local.get $N) (local.get $acc))
    (call $gemmEdge (local.get $a) (local.get $aRow) (local.get $aK) (local.get $b) (local.get $c)
      (i32.const 0) (local.get $M4) (local.get $N8) (local.get $N) (local.get $K) (local.get $N) (local.get $acc)))

  ;; Adam on n entries: g ← scale·g; m ← β1·m + (1 − β1)·g; v ← β2·v + (1 − β2)·g²; p ← p − lr·m/(√(c2·v) + ε).
  ;; lr already carries the first moment's bias correction c1 = 1/(1 − β1ᵗ); c2 = 1/(1 − β2ᵗ).
  (func (export "adam") (param $p i32) (param $g i32) (param $m i32) (param $v i32) (param $n i32)
    (param $lr f32) (param $b1 f32) (param $b2 f32) (param $c2 f32) (param $eps f32) (param $scale f32)
    (local $end i32) (local $end4 i32)
    (local $gv v128) (local $mv v128) (local $vv v128)
    (local $vb1 v128) (local $vb1c v128) (local $vb2 v128) (local $vb2c v128) (local $vlr v128) (local $vc2 v128)
    (local $veps v128) (local $vscale v128)
    (local $gs f32) (local $ms f32) (local $vs f32)
    (local.set $vb1 (f32x4.splat (local.get $b1)))
    (local.set $vb1c (f32x4.splat (f32.sub (f32.const 1) (local.get $b1))))
    (local.set $vb2 (f32x4.splat (local.get $b2)))
    (local.set $vb2c (f32x4.splat (f32.sub (f32.const 1) (local.get $b2))))
    (local.set $vlr (f32x4.splat (local.get $lr)))
    (local.set $vc2 (f32x4.splat (local.get $c2)))
    (local.set $veps (f32x4.splat (local.get $eps)))
    (local.set $vscale (f32x4.splat (local.get $scale)))
    (local.set $end (i32.add (local.get $p) (i32.shl (local.get $n) (i32.const 2))))
    (local.set $end4 (i32.add (local.get $p) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2))))
    (block $vdone
      (loop $vl
        (br_if $vdone (i32.ge_u (local.get $p) (local.get $end4)))
        (local.set $gv (f32x4.mul (v128.load (local.get $g)) (local.get $vscale)))
        (local.set $mv (f32x4.add (f32x4.mul (local.get $vb1) (v128.load (local.get $m)))
          (f32x4.mul (local.get $vb1c) (local.get $gv))))
        (local.set $vv (f32x4.add (f32x4.mul (local.get $vb2) (v128.load (local.get $v)))
          (f32x4.mul (local.get $vb2c) (f32x4.mul (local.get $gv) (local.get $gv)))))
        (v128.store (local.get $m) (local.get $mv))
        (v128.store (local.get $v) (local.get $vv))
        (v128.store (local.get $p)
          (f32x4.sub (v128.load (local.get $p))
            (f32x4.div (f32x4.mul (local.get $vlr) (local.get $mv))
              (f32x4.add (f32x4.sqrt (f32x4.mul (local.get $vc2) (local.get $vv))) (local.get $veps)))))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (local.set $g (i32.add (local.get $g) (i32.const 16)))
        (local.set $m (i32.add (local.get $m) (i32.const 16)))
        (local.set $v (i32.add (local.get $v) (i32.const 16)))
        (br $vl)))
    (block $sdone
      (loop $sl
        (br_if $sdone (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $gs (f32.mul (f32.load (local.get $g)) (local.get $scale)))
        (local.set $ms (f32.add (f32.mul (local.get $b1) (f32.load (local.get $m)))
          (f32.mul (f32.sub (f32.const 1) (local.get $b1)) (local.get $gs))))
        (local.set $vs (f32.add (f32.mul (local.get $b2) (f32.load (local.get $v)))
          (f32.mul (f32.sub (f32.const 1) (local.get $b2)) (f32.mul (local.get $gs) (local.get $gs)))))
        (f32.store (local.get $m) (local.get $ms))
        (f32.store (local.get $v) (local.get $vs))
        (f32.store (local.get $p)
          (f32.sub (f32.load (local.get $p))
            (f32.div (f32.mul (local.get $lr) (local.get $ms))
              (f32.add (f32.sqrt (f32.mul (local.get $c2) (local.get $vs))) (local.get $eps)))))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (local.set $g (i32.add (local.get $g) (i32.const 4)))
        (local.set $m (i32.add (local.get $m) (i32.const 4)))
        (local.set $v (i32.add (local.get $v) (i32.const 4)))
        (br $sl))))

  ;; Σ x² over n f32 entries, accumulated in f64 (a gradient norm over millions of entries keeps its digits).
  (func (export "sumSquares") (param $x i32) (param $n i32) (result f64)
    (local $end i32) (local $end4 i32) (local $v v128) (local $lo v128) (local $hi v128) (local $a0 v128)
    (local $a1 v128) (local $s f64)
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $n) (i32.const 2))))
    (local.set $end4 (i32.add (local.get $x) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2))))
    (block $vdone
      (loop $vl
        (br_if $vdone (i32.ge_u (local.get $x) (local.get $end4)))
        (local.set $v (v128.load (local.get $x)))
        (local.set $lo (f64x2.promote_low_f32x4 (local.get $v)))
        (local.set $hi (f64x2.promote_low_f32x4
          (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v))))
        (local.set $a0 (f64x2.add (local.get $a0) (f64x2.mul (local.get $lo) (local.get $lo))))
        (local.set $a1 (f64x2.add (local.get $a1) (f64x2.mul (local.get $hi) (local.get $hi))))
        (local.set $x (i32.add (local.get $x) (i32.const 16)))
        (br $vl)))
    (local.set $a0 (f64x2.add (local.get $a0) (local.get $a1)))
    (local.set $s (f64.add (f64x2.extract_lane 0 (local.get $a0)) (f64x2.extract_lane 1 (local.get $a0))))
    (block $sdone
      (loop $sl
        (br_if $sdone (i32.ge_u (local.get $x) (local.get $end)))
        (local.set $s (f64.add (local.get $s)
          (f64.mul (f64.promote_f32 (f32.load (local.get $x))) (f64.promote_f32 (f32.load (local.get $x))))))
        (local.set $x (i32.add (local.get $x) (i32.const 4)))
        (br $sl)))
    (local.get $s))

  ;; y[0..n) += α·x[0..n)
  (func $axpy (param $y i32) (param $x i32) (param $n i32) (param $alpha f32)
    (local $end i32) (local $end4 i32) (local $va v128)
    (local.set $va (f32x4.splat (local.get $alpha)))
    (local.set $end (i32.add (local.get $y) (i32.shl (local.get $n) (i32.const 2))))
    (local.set $end4 (i32.add (local.get $y) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2))))
    (block $vdone
      (loop $vl
        (br_if $vdone (i32.ge_u (local.get $y) (local.get $end4)))
        (v128.store (local.get $y)
          (f32x4.add (v128.load (local.get $y)) (f32x4.mul (local.get $va) (v128.load (local.get $x)))))
        (local.set $y (i32.add (local.get $y) (i32.const 16)))
        (local.set $x (i32.add (local.get $x) (i32.const 16)))
        (br $vl)))
    (block $sdone
      (loop $sl
        (br_if $sdone (i32.ge_u (local.get $y) (local.get $end)))
        (f32.store (local.get $y) (f32.add (f32.load (local.get $y)) (f32.mul (local.get $alpha) (f32.load (local.get $x)))))
        (local.set $y (i32.add (local.get $y) (i32.const 4)))
        (local.set $x (i32.add (local.get $x) (i32.const 4)))
        (br $sl))))

  ;; x[0..n)·y[0..n) in f32 (four lanes, then the tail).
  (func $dot (param $x i32) (param $y i32) (param $n i32) (result f32)
    (local $end i32) (local $end4 i32) (local $acc v128) (local $s f32)
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $n) (i32.const 2))))
    (local.set $end4 (i32.add (local.get $x) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2))))
    (block $vdone
      (loop $vl
        (br_if $vdone (i32.ge_u (local.get $x) (local.get $end4)))
        (local.set $acc (f32x4.add (local.get $acc) (f32x4.mul (v128.load (local.get $x)) (v128.load (local.get $y)))))
        (local.set $x (i32.add (local.get $x) (i32.const 16)))
        (local.set $y (i32.add (local.get $y) (i32.const 16)))
        (br $vl)))
    (local.set $s (f32.add
      (f32.add (f32x4.extract_lane 0 (local.get $acc)) (f32x4.extract_lane 1 (local.get $acc)))
      (f32.add (f32x4.extract_lane 2 (local.get $acc)) (f32x4.extract_lane 3 (local.get $acc)))))
    (block $sdone
      (loop $sl
        (br_if $sdone (i32.ge_u (local.get $x) (local.get $end)))
        (local.set $s (f32.add (local.get $s) (f32.mul (f32.load (local.get $x)) (f32.load (local.get $y)))))
        (local.set $x (i32.add (local.get $x) (i32.const 4)))
        (local.set $y (i32.add (local.get $y) (i32.const 4)))
        (br $sl)))
    (local.get $s))

  ;; Sparse decode: out[r, :] += Σ_{n in row r} val[n]·w[idx[n], :] for CSR codes (rowPtr [rows + 1], idx, val),
  ;; w [*, d], out [rows, d]. Touches only the nonzero codes.
  (func (export "sparseDecode") (param $rowPtr i32) (param $idx i32) (param $val i32) (param $rows i32)
    (param $w i32) (param $d i32) (param $out i32)
    (local $r i32) (local $n i32) (local $end i32) (local $dB i32)
    (local.set $dB (i32.shl (local.get $d) (i32.const 2)))
    (block $rdone
      (loop $rl
        (br_if $rdone (i32.ge_s (local.get $r) (local.get $rows)))
        (local.set $n (i32.load (i32.add (local.get $rowPtr) (i32.shl (local.get $r) (i32.const 2)))))
        (local.set $end (i32.load offset=4 (i32.add (local.get $rowPtr) (i32.shl (local.get $r) (i32.const 2)))))
        (block $ndone
          (loop $nl
            (br_if $ndone (i32.ge_s (local.get $n) (local.get $end)))
            (call $axpy (local.get $out)
              (i32.add (local.get $w) (i32.mul (i32.load (i32.add (local.get $idx) (i32.shl (local.get $n) (i32.const 2))))
                (local.get $dB)))
              (local.get $d) (f32.load (i32.add (local.get $val) (i32.shl (local.get $n) (i32.const 2)))))
            (local.set $n (i32.add (local.get $n) (i32.const 1)))
            (br $nl)))
        (local.set $out (i32.add (local.get $out) (local.get $dB)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rl))))

  ;; Sparse outer-product scatter: out[idx[n], :] += val[n]·src[r, :] for every code n of row r (the gradient of a
  ;; [*, d] matrix whose rows the codes selected: W_dec from the residual, W_encᵀ from the centred input).
  (func (export "sparseScatter") (param $rowPtr i32) (param $idx i32) (param $val i32) (param $rows i32)
    (param $src i32) (param $d i32) (param $out i32)
    (local $r i32) (local $n i32) (local $end i32) (local $dB i32)
    (local.set $dB (i32.shl (local.get $d) (i32.const 2)))
    (block $rdone
      (loop $rl
        (br_if $rdone (i32.ge_s (local.get $r) (local.get $rows)))
        (local.set $n (i32.load (i32.add (local.get $rowPtr) (i32.shl (local.get $r) (i32.const 2)))))
        (local.set $end (i32.load offset=4 (i32.add (local.get $rowPtr) (i32.shl (local.get $r) (i32.const 2)))))
        (block $ndone
          (loop $nl
            (br_if $ndone (i32.ge_s (local.get $n) (local.get $end)))
            (call $axpy
              (i32.add (local.get $out) (i32.mul (i32.load (i32.add (local.get $idx) (i32.shl (local.get $n) (i32.const 2))))
                (local.get $dB)))
              (local.get $src) (local.get $d) (f32.load (i32.add (local.get $val) (i32.shl (local.get $n) (i32.const 2)))))
            (local.set $n (i32.add (local.get $n) (i32.const 1)))
            (br $nl)))
        (local.set $src (i32.add (local.get $src) (local.get $dB)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rl))))

  ;; x[r, :] += α·v for each of `rows` rows of n (bias add, centring).
  (func (export "addRows") (param $x i32) (param $v i32) (param $rows i32) (param $n i32) (param $alpha f32)
    (block $done
      (loop $l
        (br_if $done (i32.le_s (local.get $rows) (i32.const 0)))
        (call $axpy (local.get $x) (local.get $v) (local.get $n) (local.get $alpha))
        (local.set $x (i32.add (local.get $x) (i32.shl (local.get $n) (i32.const 2))))
        (local.set $rows (i32.sub (local.get $rows) (i32.const 1)))
        (br $l))))

  ;; out[:] += Σ_r x[r, :] (column sums, f32).
  (func (export "colSums") (param $x i32) (param $rows i32) (param $n i32) (param $out i32)
    (block $done
      (loop $l
        (br_if $done (i32.le_s (local.get $rows) (i32.const 0)))
        (call $axpy (local.get $out) (local.get $x) (local.get $n) (f32.const 1))
        (local.set $x (i32.add (local.get $x) (i32.shl (local.get $n) (i32.const 2))))
        (local.set $rows (i32.sub (local.get $rows) (i32.const 1)))
        (br $l))))

  ;; out[i] = a[i, :]·b[i, :] for i < rows (row norms², projections). matVec is rowDots against one row.
  (func (export "rowDots") (param $a i32) (param $b i32) (param $bStride i32) (param $rows i32) (param $d i32)
    (param $out i32)
    (block $done
      (loop $l
        (br_if $done (i32.le_s (local.get $rows) (i32.const 0)))
        (f32.store (local.get $out) (call $dot (local.get $a) (local.get $b) (local.get $d)))
        (local.set $a (i32.add (local.get $a) (i32.shl (local.get $d) (i32.const 2))))
        (local.set $b (i32.add (local.get $b) (i32.shl (local.get $bStride) (i32.const 2))))
        (local.set $out (i32.add (local.get $out) (i32.const 4)))
        (local.set $rows (i32.sub (local.get $rows) (i32.const 1)))
        (br $l))))

  ;; y[i, :] += coef[i]·x[i, :] for i < rows.
  (func (export "rowsAxpy") (param $y i32) (param $x i32) (param $coef i32) (param $rows i32) (param $d i32)
    (block $done
      (loop $l
        (br_if $done (i32.le_s (local.get $rows) (i32.const 0)))
        (call $axpy (local.get $y) (local.get $x) (local.get $d) (f32.load (local.get $coef)))
        (local.set $y (i32.add (local.get $y) (i32.shl (local.get $d) (i32.const 2))))
        (local.set $x (i32.add (local.get $x) (i32.shl (local.get $d) (i32.const 2))))
        (local.set $coef (i32.add (local.get $coef) (i32.const 4)))
        (local.set $rows (i32.sub (local.get $rows) (i32.const 1)))
        (br $l))))

  ;; w[i, :] *= s[i] for i < rows.
  (func (export "scaleRows") (param $w i32) (param $s i32) (param $rows i32) (param $d i32)
    (local $end i32) (local $end4 i32) (local $vs v128) (local $ss f32)
    (block $done
      (loop $l
        (br_if $done (i32.le_s (local.get $rows) (i32.const 0)))
        (local.set $ss (f32.load (local.get $s)))
        (local.set $vs (f32x4.splat (local.get $ss)))
        (local.set $end (i32.add (local.get $w) (i32.shl (local.get $d) (i32.const 2))))
        (local.set $end4 (i32.add (local.get $w) (i32.shl (i32.and (local.get $d) (i32.const -4)) (i32.const 2))))
        (block $vdone
          (loop $vl
            (br_if $vdone (i32.ge_u (local.get $w) (local.get $end4)))
            (v128.store (local.get $w) (f32x4.mul (v128.load (local.get $w)) (local.get $vs)))
            (local.set $w (i32.add (local.get $w) (i32.const 16)))
            (br $vl)))
        (block $sdone
          (loop $sl
            (br_if $sdone (i32.ge_u (local.get $w) (local.get $end)))
            (f32.store (local.get $w) (f32.mul (f32.load (local.get $w)) (local.get $ss)))
            (local.set $w (i32.add (local.get $w) (i32.const 4)))
            (br $sl)))
        (local.set $s (i32.add (local.get $s) (i32.const 4)))
        (local.set $rows (i32.sub (local.get $rows) (i32.const 1)))
        (br $l))))

  ;; f = pre where pre > θ[i] (per column i of rows × m; θ = 0 for ReLU: pass a zero row), else 0. NaN gates shut.
  (func (export "gateCodes") (param $pre i32) (param $theta i32) (param $f i32) (param $rows i32) (param $m i32)
    (local $i i32) (local $v v128) (local $keep v128) (local $s f32) (local $th f32) (local $m4 i32)
    (local.set $m4 (i32.and (local.get $m) (i32.const -4)))
    (block $done
      (loop $l
        (br_if $done (i32.le_s (local.get $rows) (i32.const 0)))
        (local.set $i (i32.const 0))
        (block $vdone
          (loop $vl
            (br_if $vdone (i32.ge_s (local.get $i) (local.get $m4)))
            (local.set $v (v128.load (i32.add (local.get $pre) (i32.shl (local.get $i) (i32.const 2)))))
            (local.set $keep (v128.and
              (f32x4.gt (local.get $v) (v128.load (i32.add (local.get $theta) (i32.shl (local.get $i) (i32.const 2)))))
              (f32x4.gt (local.get $v) (v128.const f32x4 0 0 0 0))))
            (v128.store (i32.add (local.get $f) (i32.shl (local.get $i) (i32.const 2)))
              (v128.and (local.get $v) (local.get $keep)))
            (local.set $i (i32.add (local.get $i) (i32.const 4)))
            (br $vl)))
        (block $sdone
          (loop $sl
            (br_if $sdone (i32.ge_s (local.get $i) (local.get $m)))
            (local.set $s (f32.load (i32.add (local.get $pre) (i32.shl (local.get $i) (i32.const 2)))))
            (local.set $th (f32.load (i32.add (local.get $theta) (i32.shl (local.get $i) (i32.const 2)))))
            (f32.store (i32.add (local.get $f) (i32.shl (local.get $i) (i32.const 2)))
              (select (local.get $s) (f32.const 0)
                (i32.and (f32.gt (local.get $s) (local.get $th)) (f32.gt (local.get $s) (f32.const 0)))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $sl)))
        (local.set $pre (i32.add (local.get $pre) (i32.shl (local.get $m) (i32.const 2))))
        (local.set $f (i32.add (local.get $f) (i32.shl (local.get $m) (i32.const 2))))
        (local.set $rows (i32.sub (local.get $rows) (i32.const 1)))
        (br $l))))

  ;; g = g where f > 0, else 0, over n entries (the gradient through a gate that f records).
  (func (export "maskPositive") (param $g i32) (param $f i32) (param $n i32)
    (local $end i32) (local $end4 i32)
    (local.set $end (i32.add (local.get $g) (i32.shl (local.get $n) (i32.const 2))))
    (local.set $end4 (i32.add (local.get $g) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2))))
    (block $vdone
      (loop $vl
        (br_if $vdone (i32.ge_u (local.get $g) (local.get $end4)))
        (v128.store (local.get $g) (v128.and (v128.load (local.get $g))
          (f32x4.gt (v128.load (local.get $f)) (v128.const f32x4 0 0 0 0))))
        (local.set $g (i32.add (local.get $g) (i32.const 16)))
        (local.set $f (i32.add (local.get $f) (i32.const 16)))
        (br $vl)))
    (block $sdone
      (loop $sl
        (br_if $sdone (i32.ge_u (local.get $g) (local.get $end)))
        (if (i32.eqz (f32.gt (f32.load (local.get $f)) (f32.const 0))) (then (f32.store (local.get $g) (f32.const 0))))
        (local.set $g (i32.add (local.get $g) (i32.const 4)))
        (local.set $f (i32.add (local.get $f) (i32.const 4)))
        (br $sl))))

  ;; out[i] += number of rows r with f[r, i] > 0 (fire counts, f32: exact up to 2²⁴ rows per call).
  (func (export "countPositive") (param $f i32) (param $rows i32) (param $n i32) (param $out i32)
    (local $i i32) (local $n4 i32) (local $p i32)
    (local.set $n4 (i32.and (local.get $n) (i32.const -4)))
    (block $done
      (loop $l
        (br_if $done (i32.le_s (local.get $rows) (i32.const 0)))
        (local.set $i (i32.const 0))
        (block $vdone
          (loop $vl
            (br_if $vdone (i32.ge_s (local.get $i) (local.get $n4)))
            (local.set $p (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 2))))
            (v128.store (local.get $p) (f32x4.add (v128.load (local.get $p))
              (v128.and (v128.const f32x4 1 1 1 1)
                (f32x4.gt (v128.load (i32.add (local.get $f) (i32.shl (local.get $i) (i32.const 2))))
                  (v128.const f32x4 0 0 0 0)))))
            (local.set $i (i32.add (local.get $i) (i32.const 4)))
            (br $vl)))
        (block $sdone
          (loop $sl
            (br_if $sdone (i32.ge_s (local.get $i) (local.get $n)))
            (local.set $p (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 2))))
            (if (f32.gt (f32.load (i32.add (local.get $f) (i32.shl (local.get $i) (i32.const 2)))) (f32.const 0))
              (then (f32.store (local.get $p) (f32.add (f32.load (local.get $p)) (f32.const 1)))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $sl)))
        (local.set $f (i32.add (local.get $f) (i32.shl (local.get $n) (i32.const 2))))
        (local.set $rows (i32.sub (local.get $rows) (i32.const 1)))
        (br $l))))

  ;; Row top-k as CSR: each row's k ≥ 1 largest of pre [rows, m] (ties by the lower index: only a strictly larger
  ;; value displaces a kept one), among latents with allowed[i] ≠ 0 when allowed ≠ 0, positive ones only.
  ;; topV/topI: k-entry scratch. Writes rowPtr [rows + 1], idx and val (capacity rows·k).
  (func (export "rowTopK") (param $pre i32) (param $rows i32) (param $m i32) (param $k i32) (param $allowed i32)
    (param $topV i32) (param $topI i32) (param $rowPtr i32) (param $idx i32) (param $val i32)
    (local $r i32) (local $i i32) (local $n i32) (local $pos i32) (local $nnz i32) (local $j i32)
    (local $v f32) (local $thr f32) (local $base i32) (local $q i32)
    (i32.store (local.get $rowPtr) (i32.const 0))
    (block $rdone
      (loop $rl
        (br_if $rdone (i32.ge_s (local.get $r) (local.get $rows)))
        (local.set $base (i32.add (local.get $pre) (i32.shl (i32.mul (local.get $r) (local.get $m)) (i32.const 2))))
        (local.set $n (i32.const 0))
        (local.set $i (i32.const 0))
        (block $idone
          (loop $il
            (br_if $idone (i32.ge_s (local.get $i) (local.get $m)))
            (block $skip
              (br_if $skip (i32.and (i32.ne (local.get $allowed) (i32.const 0))
                (i32.eqz (i32.load (i32.add (local.get $allowed) (i32.shl (local.get $i) (i32.const 2)))))))
              (local.set $v (f32.load (i32.add (local.get $base) (i32.shl (local.get $i) (i32.const 2)))))
              (if (i32.eq (local.get $n) (local.get $k))
                (then
                  (br_if $skip (i32.eqz (f32.gt (local.get $v) (local.get $thr))))
                  (local.set $pos (i32.sub (local.get $k) (i32.const 1))))
                (else
                  (local.set $pos (local.get $n))
                  (local.set $n (i32.add (local.get $n) (i32.const 1)))))
              (block $sdone
                (loop $sl
                  (br_if $sdone (i32.le_s (local.get $pos) (i32.const 0)))
                  (local.set $q (i32.shl (i32.sub (local.get $pos) (i32.const 1)) (i32.const 2)))
                  (br_if $sdone (i32.eqz (f32.lt (f32.load (i32.add (local.get $topV) (local.get $q))) (local.get $v))))
                  (f32.store offset=4 (i32.add (local.get $topV) (local.get $q))
                    (f32.load (i32.add (local.get $topV) (local.get $q))))
                  (i32.store offset=4 (i32.add (local.get $topI) (local.get $q))
                    (i32.load (i32.add (local.get $topI) (local.get $q))))
                  (local.set $pos (i32.sub (local.get $pos) (i32.const 1)))
                  (br $sl)))
              (f32.store (i32.add (local.get $topV) (i32.shl (local.get $pos) (i32.const 2))) (local.get $v))
              (i32.store (i32.add (local.get $topI) (i32.shl (local.get $pos) (i32.const 2))) (local.get $i))
              (local.set $thr (f32.load (i32.add (local.get $topV) (i32.shl (i32.sub (local.get $k) (i32.const 1)) (i32.const 2))))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $il)))
        (local.set $j (i32.const 0))
        (block $jdone
          (loop $jl
            (br_if $jdone (i32.ge_s (local.get $j) (local.get $n)))
            (local.set $v (f32.load (i32.add (local.get $topV) (i32.shl (local.get $j) (i32.const 2)))))
            (if (f32.gt (local.get $v) (f32.const 0))
              (then
                (i32.store (i32.add (local.get $idx) (i32.shl (local.get $nnz) (i32.const 2)))
                  (i32.load (i32.add (local.get $topI) (i32.shl (local.get $j) (i32.const 2)))))
                (f32.store (i32.add (local.get $val) (i32.shl (local.get $nnz) (i32.const 2))) (local.get $v))
                (local.set $nnz (i32.add (local.get $nnz) (i32.const 1)))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $jl)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (i32.store (i32.add (local.get $rowPtr) (i32.shl (local.get $r) (i32.const 2))) (local.get $nnz))
        (br $rl))))

  ;; Dense codes f [rows, m] to CSR: the positive entries of each row in index order (rowPtr [rows + 1], idx, val).
  (func (export "compress") (param $f i32) (param $rows i32) (param $m i32) (param $rowPtr i32) (param $idx i32)
    (param $val i32)
    (local $r i32) (local $i i32) (local $nnz i32) (local $v f32)
    (i32.store (local.get $rowPtr) (i32.const 0))
    (block $rdone
      (loop $rl
        (br_if $rdone (i32.ge_s (local.get $r) (local.get $rows)))
        (local.set $i (i32.const 0))
        (block $idone
          (loop $il
            (br_if $idone (i32.ge_s (local.get $i) (local.get $m)))
            (local.set $v (f32.load (local.get $f)))
            (if (f32.gt (local.get $v) (f32.const 0))
              (then
                (i32.store (i32.add (local.get $idx) (i32.shl (local.get $nnz) (i32.const 2))) (local.get $i))
                (f32.store (i32.add (local.get $val) (i32.shl (local.get $nnz) (i32.const 2))) (local.get $v))
                (local.set $nnz (i32.add (local.get $nnz) (i32.const 1)))))
            (local.set $f (i32.add (local.get $f) (i32.const 4)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $il)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (i32.store (i32.add (local.get $rowPtr) (i32.shl (local.get $r) (i32.const 2))) (local.get $nnz))
        (br $rl))))

  ;; out [cols, rows] = src [rows, cols]ᵀ in 16×16 blocks, so reads and writes both stay within a few cache lines.
  (func (export "transpose") (param $src i32) (param $out i32) (param $rows i32) (param $cols i32)
    (local $r0 i32) (local $c0 i32) (local $r i32) (local $c i32) (local $r1 i32) (local $c1 i32)
    (block $r0done
      (loop $r0l
        (br_if $r0done (i32.ge_s (local.get $r0) (local.get $rows)))
        (local.set $r1 (select (i32.add (local.get $r0) (i32.const 16)) (local.get $rows)
          (i32.lt_s (i32.add (local.get $r0) (i32.const 16)) (local.get $rows))))
        (local.set $c0 (i32.const 0))
        (block $c0done
          (loop $c0l
            (br_if $c0done (i32.ge_s (local.get $c0) (local.get $cols)))
            (local.set $c1 (select (i32.add (local.get $c0) (i32.const 16)) (local.get $cols)
              (i32.lt_s (i32.add (local.get $c0) (i32.const 16)) (local.get $cols))))
            (local.set $r (local.get $r0))
            (block $rdone
              (loop $rl
                (br_if $rdone (i32.ge_s (local.get $r) (local.get $r1)))
                (local.set $c (local.get $c0))
                (block $cdone
                  (loop $cl
                    (br_if $cdone (i32.ge_s (local.get $c) (local.get $c1)))
                    (f32.store
                      (i32.add (local.get $out) (i32.shl (i32.add (i32.mul (local.get $c) (local.get $rows)) (local.get $r)) (i32.const 2)))
                      (f32.load
                        (i32.add (local.get $src) (i32.shl (i32.add (i32.mul (local.get $r) (local.get $cols)) (local.get $c)) (i32.const 2)))))
                    (local.set $c (i32.add (local.get $c) (i32.const 1)))
                    (br $cl)))
                (local.set $r (i32.add (local.get $r) (i32.const 1)))
                (br $rl)))
            (local.set $c0 (i32.add (local.get $c0) (i32.const 16)))
            (br $c0l)))
        (local.set $r0 (i32.add (local.get $r0) (i32.const 16)))
        (br $r0l))))

  ;; Sparse dots: out[n] = src[r, :]·w[idx[n], :] for every code n of row r (dL/df at the selected latents only).
  (func (export "sparseDots") (param $rowPtr i32) (param $idx i32) (param $rows i32) (param $src i32)
    (param $w i32) (param $d i32) (param $out i32)
    (local $r i32) (local $n i32) (local $end i32) (local $dB i32)
    (local.set $dB (i32.shl (local.get $d) (i32.const 2)))
    (block $rdone
      (loop $rl
        (br_if $rdone (i32.ge_s (local.get $r) (local.get $rows)))
        (local.set $n (i32.load (i32.add (local.get $rowPtr) (i32.shl (local.get $r) (i32.const 2)))))
        (local.set $end (i32.load offset=4 (i32.add (local.get $rowPtr) (i32.shl (local.get $r) (i32.const 2)))))
        (block $ndone
          (loop $nl
            (br_if $ndone (i32.ge_s (local.get $n) (local.get $end)))
            (f32.store (i32.add (local.get $out) (i32.shl (local.get $n) (i32.const 2)))
              (call $dot (local.get $src)
                (i32.add (local.get $w) (i32.mul (i32.load (i32.add (local.get $idx) (i32.shl (local.get $n) (i32.const 2))))
                  (local.get $dB)))
                (local.get $d)))
            (local.set $n (i32.add (local.get $n) (i32.const 1)))
            (br $nl)))
        (local.set $src (i32.add (local.get $src) (local.get $dB)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rl))))

  ;; f64: the host's dense linear algebra (eigensolver, back-transformations).
  ;; C += Â·B̂ over mPanels × nPanels tiles of 4×4: Â holds 4-row panels (kc × 4, row r of the tile at +8r), B̂
  ;; 4-column panels (kc × 4), both packed by dpackPanels; C is row-major with rows ldc bytes apart. Columns
  ;; outermost, so one B̂ panel (8 KiB at kc = 256) stays in L1 across the row tiles; 8 f64x2 accumulators stay in
  ;; registers.
  (func (export "dgemmPacked") (param $pa i32) (param $pb i32) (param $pc i32) (param $ldc i32)
    (param $mPanels i32) (param $nPanels i32) (param $kc i32)
    (local $ip i32) (local $jp i32) (local $a i32) (local $b i32) (local $end i32) (local $c i32) (local $panel i32)
    (local $d00 v128) (local $d01 v128) (local $d10 v128) (local $d11 v128)
    (local $d20 v128) (local $d21 v128) (local $d30 v128) (local $d31 v128)
    (local $b0 v128) (local $b1 v128) (local $av v128)
    (local.set $panel (i32.shl (local.get $kc) (i32.const 5)))
    (local.set $jp (i32.const 0))
    (block $jdone
      (loop $jl
        (br_if $jdone (i32.ge_s (local.get $jp) (local.get $nPanels)))
        (local.set $ip (i32.const 0))
        (block $idone
          (loop $il
            (br_if $idone (i32.ge_s (local.get $ip) (local.get $mPanels)))
            (local.set $d00 (v128.const i64x2 0 0)) (local.set $d01 (v128.const i64x2 0 0))
            (local.set $d10 (v128.const i64x2 0 0)) (local.set $d11 (v128.const i64x2 0 0))
            (local.set $d20 (v128.const i64x2 0 0)) (local.set $d21 (v128.const i64x2 0 0))
            (local.set $d30 (v128.const i64x2 0 0)) (local.set $d31 (v128.const i64x2 0 0))
            (local.set $a (i32.add (local.get $pa) (i32.mul (local.get $ip) (local.get $panel))))
            (local.set $b (i32.add (local.get $pb) (i32.mul (local.get $jp) (local.get $panel))))
            (local.set $end (i32.add (local.get $a) (local.get $panel)))
            (block $pdone
              (loop $pl
                (br_if $pdone (i32.ge_u (local.get $a) (local.get $end)))
                (local.set $b0 (v128.load (local.get $b)))
                (local.set $b1 (v128.load offset=16 (local.get $b)))
                (local.set $av (v128.load64_splat (local.get $a)))
                (local.set $d00 (f64x2.add (local.get $d00) (f64x2.mul (local.get $av) (local.get $b0))))
                (local.set $d01 (f64x2.add (local.get $d01) (f64x2.mul (local.get $av) (local.get $b1))))
                (local.set $av (v128.load64_splat offset=8 (local.get $a)))
                (local.set $d10 (f64x2.add (local.get $d10) (f64x2.mul (local.get $av) (local.get $b0))))
                (local.set $d11 (f64x2.add (local.get $d11) (f64x2.mul (local.get $av) (local.get $b1))))
                (local.set $av (v128.load64_splat offset=16 (local.get $a)))
                (local.set $d20 (f64x2.add (local.get $d20) (f64x2.mul (local.get $av) (local.get $b0))))
                (local.set $d21 (f64x2.add (local.get $d21) (f64x2.mul (local.get $av) (local.get $b1))))
                (local.set $av (v128.load64_splat offset=24 (local.get $a)))
                (local.set $d30 (f64x2.add (local.get $d30) (f64x2.mul (local.get $av) (local.get $b0))))
                (local.set $d31 (f64x2.add (local.get $d31) (f64x2.mul (local.get $av) (local.get $b1))))
                (local.set $a (i32.add (local.get $a) (i32.const 32)))
                (local.set $b (i32.add (local.get $b) (i32.const 32)))
                (br $pl)))
            (local.set $c (i32.add (local.get $pc)
              (i32.add (i32.mul (i32.shl (local.get $ip) (i32.const 2)) (local.get $ldc)) (i32.shl (local.get $jp) (i32.const 5)))))
            (v128.store (local.get $c) (f64x2.add (v128.load (local.get $c)) (local.get $d00)))
            (v128.store offset=16 (local.get $c) (f64x2.add (v128.load offset=16 (local.get $c)) (local.get $d01)))
            (local.set $c (i32.add (local.get $c) (local.get $ldc)))
            (v128.store (local.get $c) (f64x2.add (v128.load (local.get $c)) (local.get $d10)))
            (v128.store offset=16 (local.get $c) (f64x2.add (v128.load offset=16 (local.get $c)) (local.get $d11)))
            (local.set $c (i32.add (local.get $c) (local.get $ldc)))
            (v128.store (local.get $c) (f64x2.add (v128.load (local.get $c)) (local.get $d20)))
            (v128.store offset=16 (local.get $c) (f64x2.add (v128.load offset=16 (local.get $c)) (local.get $d21)))
            (local.set $c (i32.add (local.get $c) (local.get $ldc)))
            (v128.store (local.get $c) (f64x2.add (v128.load (local.get $c)) (local.get $d30)))
            (v128.store offset=16 (local.get $c) (f64x2.add (v128.load offset=16 (local.get $c)) (local.get $d31)))
            (local.set $ip (i32.add (local.get $ip) (i32.const 1)))
            (br $il)))
        (local.set $jp (i32.add (local.get $jp) (i32.const 1)))
        (br $jl))))

  ;; The symmetric product from the upper triangle of the rows [lo, hi) of A (row i at a + i·lda bytes, columns
  ;; up to n): p[i] += Σ_{j ≥ i} A[i, j]·v[j] and p[j] += A[i, j]·v[i] for j > i, reading each stored entry once.
  ;; Rows go in pairs, so each v[j] and p[j] is loaded once for two rows of A (the loop is bound by loads, not
  ;; arithmetic); hi − lo must be even unless hi = n (an odd last row of the matrix is its diagonal alone).
  (func (export "dsymvUpper") (param $a i32) (param $lda i32) (param $v i32) (param $p i32) (param $lo i32)
    (param $hi i32) (param $n i32)
    (local $i i32) (local $r0 i32) (local $r1 i32) (local $j i32) (local $end i32) (local $end2 i32)
    (local $v0 f64) (local $v1 f64) (local $s0 f64) (local $s1 f64) (local $a01 f64)
    (local $x0 v128) (local $x1 v128) (local $vj v128) (local $acc0 v128) (local $acc1 v128)
    (local $vs0 v128) (local $vs1 v128) (local $pj i32) (local $e0 f64) (local $e1 f64) (local $vv f64)
    (local.set $end (i32.shl (local.get $n) (i32.const 3)))
    (local.set $end2 (i32.sub (local.get $end) (i32.const 8)))
    (local.set $i (local.get $lo))
    (block $idone
      (loop $il
        (br_if $idone (i32.ge_s (i32.add (local.get $i) (i32.const 1)) (local.get $hi)))
        (local.set $r0 (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $lda))))
        (local.set $r1 (i32.add (local.get $r0) (local.get $lda)))
        (local.set $j (i32.shl (local.get $i) (i32.const 3)))
        (local.set $v0 (f64.load (i32.add (local.get $v) (local.get $j))))
        (local.set $v1 (f64.load offset=8 (i32.add (local.get $v) (local.get $j))))
        (local.set $a01 (f64.load offset=8 (i32.add (local.get $r0) (local.get $j))))
        ;; The 2×2 diagonal block.
        (local.set $s0 (f64.add (f64.mul (f64.load (i32.add (local.get $r0) (local.get $j))) (local.get $v0))
          (f64.mul (local.get $a01) (local.get $v1))))
        (local.set $s1 (f64.add (f64.mul (local.get $a01) (local.get $v0))
          (f64.mul (f64.load offset=8 (i32.add (local.get $r1) (local.get $j))) (local.get $v1))))
        (local.set $vs0 (f64x2.splat (local.get $v0)))
        (local.set $vs1 (f64x2.splat (local.get $v1)))
        (local.set $acc0 (v128.const i64x2 0 0))
        (local.set $acc1 (v128.const i64x2 0 0))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (block $vdone
          (loop $vl
            (br_if $vdone (i32.ge_s (local.get $j) (local.get $end2)))
            (local.set $x0 (v128.load (i32.add (local.get $r0) (local.get $j))))
            (local.set $x1 (v128.load (i32.add (local.get $r1) (local.get $j))))
            (local.set $vj (v128.load (i32.add (local.get $v) (local.get $j))))
            (local.set $pj (i32.add (local.get $p) (local.get $j)))
            (local.set $acc0 (f64x2.add (local.get $acc0) (f64x2.mul (local.get $x0) (local.get $vj))))
            (local.set $acc1 (f64x2.add (local.get $acc1) (f64x2.mul (local.get $x1) (local.get $vj))))
            (v128.store (local.get $pj) (f64x2.add (v128.load (local.get $pj))
              (f64x2.add (f64x2.mul (local.get $x0) (local.get $vs0)) (f64x2.mul (local.get $x1) (local.get $vs1)))))
            (local.set $j (i32.add (local.get $j) (i32.const 16)))
            (br $vl)))
        (local.set $s0 (f64.add (local.get $s0)
          (f64.add (f64x2.extract_lane 0 (local.get $acc0)) (f64x2.extract_lane 1 (local.get $acc0)))))
        (local.set $s1 (f64.add (local.get $s1)
          (f64.add (f64x2.extract_lane 0 (local.get $acc1)) (f64x2.extract_lane 1 (local.get $acc1)))))
        (if (i32.lt_s (local.get $j) (local.get $end))
          (then
            (local.set $e0 (f64.load (i32.add (local.get $r0) (local.get $j))))
            (local.set $e1 (f64.load (i32.add (local.get $r1) (local.get $j))))
            (local.set $vv (f64.load (i32.add (local.get $v) (local.get $j))))
            (local.set $s0 (f64.add (local.get $s0) (f64.mul (local.get $e0) (local.get $vv))))
            (local.set $s1 (f64.add (local.get $s1) (f64.mul (local.get $e1) (local.get $vv))))
            (local.set $pj (i32.add (local.get $p) (local.get $j)))
            (f64.store (local.get $pj) (f64.add (f64.load (local.get $pj))
              (f64.add (f64.mul (local.get $e0) (local.get $v0)) (f64.mul (local.get $e1) (local.get $v1)))))))
        (local.set $pj (i32.add (local.get $p) (i32.shl (local.get $i) (i32.const 3))))
        (f64.store (local.get $pj) (f64.add (f64.load (local.get $pj)) (local.get $s0)))
        (f64.store offset=8 (local.get $pj) (f64.add (f64.load offset=8 (local.get $pj)) (local.get $s1)))
        (local.set $i (i32.add (local.get $i) (i32.const 2)))
        (br $il)))
    ;; An odd last row: only its diagonal entry.
    (if (i32.and (i32.lt_s (local.get $i) (local.get $hi)) (i32.eq (i32.add (local.get $i) (i32.const 1)) (local.get $n)))
      (then
        (local.set $pj (i32.add (local.get $p) (i32.shl (local.get $i) (i32.const 3))))
        (f64.store (local.get $pj) (f64.add (f64.load (local.get $pj))
          (f64.mul (f64.load (i32.add (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $lda)))
            (i32.shl (local.get $i) (i32.const 3)))) (f64.load (i32.add (local.get $v) (i32.shl (local.get $i) (i32.const 3))))))))))

  ;; Packs a kc × count block for dgemmPacked: dst[q/4][p][q%4] = α·src[p·sp + q·sq] (strides in bytes), count
  ;; rounded up to whole 4-wide panels with zeros. B blocks pack with (sp, sq) = (row, column) strides, A blocks with
  ;; them swapped. Rows of 4 contiguous doubles (sq = 8) move as two f64x2 loads and stores.
  (func (export "dpackPanels") (param $src i32) (param $sp i32) (param $sq i32) (param $kc i32) (param $count i32)
    (param $alpha f64) (param $dst i32)
    (local $panel i32) (local $full i32) (local $p i32) (local $q i32) (local $s i32) (local $d i32) (local $jp i32)
    (local $al v128) (local $x f64)
    (local.set $panel (i32.shl (local.get $kc) (i32.const 5)))
    (local.set $full (i32.shr_u (local.get $count) (i32.const 2)))
    (local.set $al (f64x2.splat (local.get $alpha)))
    (if (i32.eq (local.get $sq) (i32.const 8))
      (then
        (local.set $p (i32.const 0))
        (block $pdone
          (loop $pl
            (br_if $pdone (i32.ge_s (local.get $p) (local.get $kc)))
            (local.set $s (i32.add (local.get $src) (i32.mul (local.get $p) (local.get $sp))))
            (local.set $d (i32.add (local.get $dst) (i32.shl (local.get $p) (i32.const 5))))
            (local.set $jp (i32.const 0))
            (block $jdone
              (loop $jl
                (br_if $jdone (i32.ge_s (local.get $jp) (local.get $full)))
                (v128.store (local.get $d) (f64x2.mul (v128.load (local.get $s)) (local.get $al)))
                (v128.store offset=16 (local.get $d) (f64x2.mul (v128.load offset=16 (local.get $s)) (local.get $al)))
                (local.set $s (i32.add (local.get $s) (i32.const 32)))
                (local.set $d (i32.add (local.get $d) (local.get $panel)))
                (local.set $jp (i32.add (local.get $jp) (i32.const 1)))
                (br $jl)))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br $pl))))
      (else
        (local.set $q (i32.const 0))
        (block $qdone
          (loop $ql
            (br_if $qdone (i32.ge_s (local.get $q) (i32.shl (local.get $full) (i32.const 2))))
            (local.set $s (i32.add (local.get $src) (i32.mul (local.get $q) (local.get $sq))))
            (local.set $d (i32.add (local.get $dst)
              (i32.add (i32.mul (i32.shr_u (local.get $q) (i32.const 2)) (local.get $panel))
                (i32.shl (i32.and (local.get $q) (i32.const 3)) (i32.const 3)))))
            (local.set $p (i32.const 0))
            (block $p2done
              (loop $p2l
                (br_if $p2done (i32.ge_s (local.get $p) (local.get $kc)))
                (f64.store (local.get $d) (f64.mul (f64.load (local.get $s)) (local.get $alpha)))
                (local.set $s (i32.add (local.get $s) (local.get $sp)))
                (local.set $d (i32.add (local.get $d) (i32.const 32)))
                (local.set $p (i32.add (local.get $p) (i32.const 1)))
                (br $p2l)))
            (local.set $q (i32.add (local.get $q) (i32.const 1)))
            (br $ql)))))
    ;; The ragged last panel: its missing columns are zeros.
    (if (i32.and (local.get $count) (i32.const 3))
      (then
        (local.set $q (i32.const 0))
        (block $rdone
          (loop $rl
            (br_if $rdone (i32.ge_s (local.get $q) (i32.const 4)))
            (local.set $d (i32.add (local.get $dst)
              (i32.add (i32.mul (local.get $full) (local.get $panel)) (i32.shl (local.get $q) (i32.const 3)))))
            (local.set $s (i32.add (local.get $src)
              (i32.mul (i32.add (i32.shl (local.get $full) (i32.const 2)) (local.get $q)) (local.get $sq))))
            (local.set $p (i32.const 0))
            (block $p3done
              (loop $p3l
                (br_if $p3done (i32.ge_s (local.get $p) (local.get $kc)))
                (local.set $x (f64.const 0))
                (if (i32.lt_s (i32.add (i32.shl (local.get $full) (i32.const 2)) (local.get $q)) (local.get $count))
                  (then (local.set $x (f64.mul (f64.load (local.get $s)) (local.get $alpha)))))
                (f64.store (local.get $d) (local.get $x))
                (local.set $s (i32.add (local.get $s) (local.get $sp)))
                (local.set $d (i32.add (local.get $d) (i32.const 32)))
                (local.set $p (i32.add (local.get $p) (i32.const 1)))
                (br $p3l)))
            (local.set $q (i32.add (local.get $q) (i32.const 1)))
            (br $rl))))))


  ;; Panel products of the Householder reduction, over rows [lo, n) of two n × ld panels V and W (row-major,
  ;; ld bytes per row), on their first jj columns. dpanelMv: out[j] −= V[j]·x + W[j]·y.
  (func (export "dpanelMv") (param $out i32) (param $V i32) (param $W i32) (param $ld i32) (param $x i32) (param $y i32)
    (param $jj i32) (param $lo i32) (param $n i32)
    (local $j i32) (local $t i32) (local $t2 i32) (local $tb i32) (local $vr i32) (local $wr i32) (local $acc v128)
    (local $s f64) (local $o i32)
    (local.set $t2 (i32.shl (i32.and (local.get $jj) (i32.const -2)) (i32.const 3)))
    (local.set $tb (i32.shl (local.get $jj) (i32.const 3)))
    (local.set $j (local.get $lo))
    (block $jdone
      (loop $jl
        (br_if $jdone (i32.ge_s (local.get $j) (local.get $n)))
        (local.set $vr (i32.add (local.get $V) (i32.mul (local.get $j) (local.get $ld))))
        (local.set $wr (i32.add (local.get $W) (i32.mul (local.get $j) (local.get $ld))))
        (local.set $acc (v128.const i64x2 0 0))
        (local.set $t (i32.const 0))
        (block $tdone
          (loop $tl
            (br_if $tdone (i32.ge_s (local.get $t) (local.get $t2)))
            (local.set $acc (f64x2.add (local.get $acc)
              (f64x2.add
                (f64x2.mul (v128.load (i32.add (local.get $vr) (local.get $t))) (v128.load (i32.add (local.get $x) (local.get $t))))
                (f64x2.mul (v128.load (i32.add (local.get $wr) (local.get $t))) (v128.load (i32.add (local.get $y) (local.get $t)))))))
            (local.set $t (i32.add (local.get $t) (i32.const 16)))
            (br $tl)))
        (local.set $s (f64.add (f64x2.extract_lane 0 (local.get $acc)) (f64x2.extract_lane 1 (local.get $acc))))
        (if (i32.lt_s (local.get $t) (local.get $tb))
          (then
            (local.set $s (f64.add (local.get $s)
              (f64.add
                (f64.mul (f64.load (i32.add (local.get $vr) (local.get $t))) (f64.load (i32.add (local.get $x) (local.get $t))))
                (f64.mul (f64.load (i32.add (local.get $wr) (local.get $t))) (f64.load (i32.add (local.get $y) (local.get $t)))))))))
        (local.set $o (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 3))))
        (f64.store (local.get $o) (f64.sub (f64.load (local.get $o)) (local.get $s)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $jl))))

  ;; dpanelTv: s1[t] = Σ_i W[i][t]·v[i] and s2[t] = Σ_i V[i][t]·v[i] over rows [lo, n), for t < jj (overwrites).
  (func (export "dpanelTv") (param $s1 i32) (param $s2 i32) (param $V i32) (param $W i32) (param $ld i32) (param $v i32)
    (param $jj i32) (param $lo i32) (param $n i32)
    (local $i i32) (local $t i32) (local $tb i32) (local $vr i32) (local $wr i32) (local $vs v128) (local $vi f64)
    (local $p i32)
    (local.set $tb (i32.shl (local.get $jj) (i32.const 3)))
    ;; Zero both sums (jj rounded up to a pair; the callers' arrays hold NB ≥ jj + 1 entries when jj is odd).
    (local.set $t (i32.const 0))
    (block $zdone
      (loop $zl
        (br_if $zdone (i32.ge_s (local.get $t) (local.get $tb)))
        (v128.store (i32.add (local.get $s1) (local.get $t)) (v128.const i64x2 0 0))
        (v128.store (i32.add (local.get $s2) (local.get $t)) (v128.const i64x2 0 0))
        (local.set $t (i32.add (local.get $t) (i32.const 16)))
        (br $zl)))
    (local.set $i (local.get $lo))
    (block $idone
      (loop $il
        (br_if $idone (i32.ge_s (local.get $i) (local.get $n)))
        (local.set $vr (i32.add (local.get $V) (i32.mul (local.get $i) (local.get $ld))))
        (local.set $wr (i32.add (local.get $W) (i32.mul (local.get $i) (local.get $ld))))
        (local.set $vi (f64.load (i32.add (local.get $v) (i32.shl (local.get $i) (i32.const 3)))))
        (local.set $vs (f64x2.splat (local.get $vi)))
        (local.set $t (i32.const 0))
        (block $tdone
          (loop $tl
            (br_if $tdone (i32.ge_s (local.get $t) (local.get $tb)))
            (local.set $p (i32.add (local.get $s1) (local.get $t)))
            (v128.store (local.get $p) (f64x2.add (v128.load (local.get $p))
              (f64x2.mul (v128.load (i32.add (local.get $wr) (local.get $t))) (local.get $vs))))
            (local.set $p (i32.add (local.get $s2) (local.get $t)))
            (v128.store (local.get $p) (f64x2.add (v128.load (local.get $p))
              (f64x2.mul (v128.load (i32.add (local.get $vr) (local.get $t))) (local.get $vs))))
            (local.set $t (i32.add (local.get $t) (i32.const 16)))
            (br $tl)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $il))))


  ;; f32 GEMM on packed operands, the CPU engine's dense products: C += Â·B over mPanels × nPanels tiles of 4 rows ×
  ;; 8 columns. Â holds 4-row panels (kc × 4 f32, row r at +4r), B̂ 8-column panels (kc × 8), both packed by
  ;; spackPanels. C is row-major with rows ldc bytes apart. Packing keeps the B̂ panel (8 KiB at kc = 256) in L1 and
  ;; the A block in L2, where the unpacked gemm streams whole columns of B through the TLB.
  (func (export "sgemmPacked") (param $pa i32) (param $pb i32) (param $pc i32) (param $ldc i32)
    (param $mPanels i32) (param $nPanels i32) (param $kc i32)
    (local $ip i32) (local $jp i32) (local $a i32) (local $b i32) (local $end i32) (local $c i32) (local $aPanel i32)
    (local $bPanel i32)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local $b0 v128) (local $b1 v128) (local $av v128)
    (local.set $aPanel (i32.shl (local.get $kc) (i32.const 4)))
    (local.set $bPanel (i32.shl (local.get $kc) (i32.const 5)))
    (local.set $jp (i32.const 0))
    (block $jdone
      (loop $jl
        (br_if $jdone (i32.ge_s (local.get $jp) (local.get $nPanels)))
        (local.set $ip (i32.const 0))
        (block $idone
          (loop $il
            (br_if $idone (i32.ge_s (local.get $ip) (local.get $mPanels)))
            (local.set $c00 (v128.const i32x4 0 0 0 0)) (local.set $c01 (v128.const i32x4 0 0 0 0))
            (local.set $c10 (v128.const i32x4 0 0 0 0)) (local.set $c11 (v128.const i32x4 0 0 0 0))
            (local.set $c20 (v128.const i32x4 0 0 0 0)) (local.set $c21 (v128.const i32x4 0 0 0 0))
            (local.set $c30 (v128.const i32x4 0 0 0 0)) (local.set $c31 (v128.const i32x4 0 0 0 0))
            (local.set $a (i32.add (local.get $pa) (i32.mul (local.get $ip) (local.get $aPanel))))
            (local.set $b (i32.add (local.get $pb) (i32.mul (local.get $jp) (local.get $bPanel))))
            (local.set $end (i32.add (local.get $a) (local.get $aPanel)))
            (block $pdone
              (loop $pl
                (br_if $pdone (i32.ge_u (local.get $a) (local.get $end)))
                (local.set $b0 (v128.load (local.get $b)))
                (local.set $b1 (v128.load offset=16 (local.get $b)))
                (local.set $av (v128.load32_splat (local.get $a)))
                (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $av) (local.get $b0))))
                (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $av) (local.get $b1))))
                (local.set $av (v128.load32_splat offset=4 (local.get $a)))
                (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (local.get $av) (local.get $b0))))
                (local.set $c11 (f32x4.add (local.get $c11) (f32x4.mul (local.get $av) (local.get $b1))))
                (local.set $av (v128.load32_splat offset=8 (local.get $a)))
                (local.set $c20 (f32x4.add (local.get $c20) (f32x4.mul (local.get $av) (local.get $b0))))
                (local.set $c21 (f32x4.add (local.get $c21) (f32x4.mul (local.get $av) (local.get $b1))))
                (local.set $av (v128.load32_splat offset=12 (local.get $a)))
                (local.set $c30 (f32x4.add (local.get $c30) (f32x4.mul (local.get $av) (local.get $b0))))
                (local.set $c31 (f32x4.add (local.get $c31) (f32x4.mul (local.get $av) (local.get $b1))))
                (local.set $a (i32.add (local.get $a) (i32.const 16)))
                (local.set $b (i32.add (local.get $b) (i32.const 32)))
                (br $pl)))
            (local.set $c (i32.add (local.get $pc)
              (i32.add (i32.mul (i32.shl (local.get $ip) (i32.const 2)) (local.get $ldc)) (i32.shl (local.get $jp) (i32.const 5)))))
            (v128.store (local.get $c) (f32x4.add (v128.load (local.get $c)) (local.get $c00)))
            (v128.store offset=16 (local.get $c) (f32x4.add (v128.load offset=16 (local.get $c)) (local.get $c01)))
            (local.set $c (i32.add (local.get $c) (local.get $ldc)))
            (v128.store (local.get $c) (f32x4.add (v128.load (local.get $c)) (local.get $c10)))
            (v128.store offset=16 (local.get $c) (f32x4.add (v128.load offset=16 (local.get $c)) (local.get $c11)))
            (local.set $c (i32.add (local.get $c) (local.get $ldc)))
            (v128.store (local.get $c) (f32x4.add (v128.load (local.get $c)) (local.get $c20)))
            (v128.store offset=16 (local.get $c) (f32x4.add (v128.load offset=16 (local.get $c)) (local.get $c21)))
            (local.set $c (i32.add (local.get $c) (local.get $ldc)))
            (v128.store (local.get $c) (f32x4.add (v128.load (local.get $c)) (local.get $c30)))
            (v128.store offset=16 (local.get $c) (f32x4.add (v128.load offset=16 (local.get $c)) (local.get $c31)))
            (local.set $ip (i32.add (local.get $ip) (i32.const 1)))
            (br $il)))
        (local.set $jp (i32.add (local.get $jp) (i32.const 1)))
        (br $jl))))

  ;; Packs a kc × count f32 block for sgemmPacked: dst[q/w][p][q%w] = src[p·sp + q·sq] (strides in bytes) with panel
  ;; width w = 4 (A) or 8 (B), count rounded up to whole panels with zeros. Contiguous rows (sq = 4) move as f32x4.
  (func (export "spackPanels") (param $src i32) (param $sp i32) (param $sq i32) (param $kc i32) (param $count i32)
    (param $w i32) (param $dst i32)
    (local $panel i32) (local $full i32) (local $p i32) (local $q i32) (local $s i32) (local $d i32) (local $jp i32)
    (local $rowB i32) (local $x f32) (local $wShift i32)
    (local.set $wShift (select (i32.const 3) (i32.const 2) (i32.eq (local.get $w) (i32.const 8))))
    (local.set $rowB (i32.shl (local.get $w) (i32.const 2)))
    (local.set $panel (i32.mul (local.get $kc) (local.get $rowB)))
    (local.set $full (i32.shr_u (local.get $count) (local.get $wShift)))
    (if (i32.eq (local.get $sq) (i32.const 4))
      (then
        (local.set $p (i32.const 0))
        (block $pdone
          (loop $pl
            (br_if $pdone (i32.ge_s (local.get $p) (local.get $kc)))
            (local.set $s (i32.add (local.get $src) (i32.mul (local.get $p) (local.get $sp))))
            (local.set $d (i32.add (local.get $dst) (i32.mul (local.get $p) (local.get $rowB))))
            (local.set $jp (i32.const 0))
            (block $jdone
              (loop $jl
                (br_if $jdone (i32.ge_s (local.get $jp) (local.get $full)))
                (v128.store (local.get $d) (v128.load (local.get $s)))
                (if (i32.eq (local.get $w) (i32.const 8))
                  (then (v128.store offset=16 (local.get $d) (v128.load offset=16 (local.get $s)))))
                (local.set $s (i32.add (local.get $s) (local.get $rowB)))
                (local.set $d (i32.add (local.get $d) (local.get $panel)))
                (local.set $jp (i32.add (local.get $jp) (i32.const 1)))
                (br $jl)))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br $pl))))
      (else
        (local.set $q (i32.const 0))
        (block $qdone
          (loop $ql
            (br_if $qdone (i32.ge_s (local.get $q) (i32.shl (local.get $full) (local.get $wShift))))
            (local.set $s (i32.add (local.get $src) (i32.mul (local.get $q) (local.get $sq))))
            (local.set $d (i32.add (local.get $dst)
              (i32.add (i32.mul (i32.shr_u (local.get $q) (local.get $wShift)) (local.get $panel))
                (i32.shl (i32.and (local.get $q) (i32.sub (local.get $w) (i32.const 1))) (i32.const 2)))))
            (local.set $p (i32.const 0))
            (block $p2done
              (loop $p2l
                (br_if $p2done (i32.ge_s (local.get $p) (local.get $kc)))
                (f32.store (local.get $d) (f32.load (local.get $s)))
                (local.set $s (i32.add (local.get $s) (local.get $sp)))
                (local.set $d (i32.add (local.get $d) (local.get $rowB)))
                (local.set $p (i32.add (local.get $p) (i32.const 1)))
                (br $p2l)))
            (local.set $q (i32.add (local.get $q) (i32.const 1)))
            (br $ql)))))
    ;; The ragged last panel: its missing columns are zeros.
    (if (i32.lt_s (i32.shl (local.get $full) (local.get $wShift)) (local.get $count))
      (then
        (local.set $q (i32.const 0))
        (block $rdone
          (loop $rl
            (br_if $rdone (i32.ge_s (local.get $q) (local.get $w)))
            (local.set $d (i32.add (local.get $dst)
              (i32.add (i32.mul (local.get $full) (local.get $panel)) (i32.shl (local.get $q) (i32.const 2)))))
            (local.set $s (i32.add (local.get $src)
              (i32.mul (i32.add (i32.shl (local.get $full) (local.get $wShift)) (local.get $q)) (local.get $sq))))
            (local.set $p (i32.const 0))
            (block $p3done
              (loop $p3l
                (br_if $p3done (i32.ge_s (local.get $p) (local.get $kc)))
                (local.set $x (f32.const 0))
                (if (i32.lt_s (i32.add (i32.shl (local.get $full) (local.get $wShift)) (local.get $q)) (local.get $count))
                  (then (local.set $x (f32.load (local.get $s)))))
                (f32.store (local.get $d) (local.get $x))
                (local.set $s (i32.add (local.get $s) (local.get $sp)))
                (local.set $d (i32.add (local.get $d) (local.get $rowB)))
                (local.set $p (i32.add (local.get $p) (i32.const 1)))
                (br $p3l)))
            (local.set $q (i32.add (local.get $q) (i32.const 1)))
            (br $rl))))))
)
