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
        (br $rl)))))
