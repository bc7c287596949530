;; BRISQUE hot loops, WebAssembly SIMD128. Compiled to kernels.wasm by tools/scripts/build-wasm.ts.
;;
;; Rounding follows OpenCV's AVX2 code (see mscn.ts): an FMA a·b + c on float32 values is computed
;; in f64 (the product is exact there) and rounded once to f32, written R(x) below:
;; f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero x). Plain f32 operations use f32x4.
;; Addresses are byte offsets into the exported memory; every buffer has ≥ 16 bytes of slack at its
;; end, so 4-lane loads and stores may run past a row (the extra lanes are never used).
(module
  (memory (export "memory") 1)

  ;; RGB bytes → gray float32 in [0, 1]: cvtColor(BGR2GRAY) 14-bit fixed point, then × fround(1/255).
  (func (export "grayRgb") (param $src i32) (param $dst i32) (param $n i32) (param $unit f32)
    (local $i i32) (local $bytes v128) (local $gray v128) (local $scale v128)
    (local.set $scale (f32x4.splat (local.get $unit)))
    (block $done
      (loop $pixels
        (br_if $done (i32.ge_s (local.get $i) (local.get $n)))
        (local.set $bytes (v128.load (local.get $src)))
        ;; Σ weight·channel + 2^13, per pixel (bytes 3p, 3p+1, 3p+2 widened to i32 lanes)
        (local.set $gray
          (i32x4.add
            (i32x4.add
              (i32x4.mul
                (i8x16.shuffle 0 16 16 16 3 16 16 16 6 16 16 16 9 16 16 16
                  (local.get $bytes) (v128.const i32x4 0 0 0 0))
                (v128.const i32x4 4899 4899 4899 4899))
              (i32x4.mul
                (i8x16.shuffle 1 16 16 16 4 16 16 16 7 16 16 16 10 16 16 16
                  (local.get $bytes) (v128.const i32x4 0 0 0 0))
                (v128.const i32x4 9617 9617 9617 9617)))
            (i32x4.add
              (i32x4.mul
                (i8x16.shuffle 2 16 16 16 5 16 16 16 8 16 16 16 11 16 16 16
                  (local.get $bytes) (v128.const i32x4 0 0 0 0))
                (v128.const i32x4 1868 1868 1868 1868))
              (v128.const i32x4 8192 8192 8192 8192))))
        (v128.store (local.get $dst)
          (f32x4.mul
            (f32x4.convert_i32x4_s (i32x4.shr_s (local.get $gray) (i32.const 14)))
            (local.get $scale)))
        (local.set $src (i32.add (local.get $src) (i32.const 12)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $pixels))))

  ;; Gray bytes → float32 in [0, 1].
  (func (export "grayLuma") (param $src i32) (param $dst i32) (param $n i32) (param $unit f32)
    (local $i i32) (local $scale v128)
    (local.set $scale (f32x4.splat (local.get $unit)))
    (block $done
      (loop $pixels
        (br_if $done (i32.ge_s (local.get $i) (local.get $n)))
        (v128.store (local.get $dst)
          (f32x4.mul
            (f32x4.convert_i32x4_s
              (i32x4.extend_low_i16x8_u (i16x8.extend_low_i8x16_u (v128.load32_zero (local.get $src)))))
            (local.get $scale)))
        (local.set $src (i32.add (local.get $src) (i32.const 4)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $pixels))))

  ;; One row of `width` float32 at $src → f64 at $pad and their f32 squares at $padSq, with 3
  ;; replicated pixels on the left and enough on the right for 4-lane blocks reading 6 taps ahead.
  (func $padRow (param $src i32) (param $width i32) (param $pad i32) (param $padSq i32)
    (local $x i32) (local $end i32) (local $v f32) (local $at i32)
    (local.set $v (f32.load (local.get $src)))
    (local.set $x (i32.const 0))
    (loop $left
      (local.set $at (i32.shl (local.get $x) (i32.const 3)))
      (f64.store (i32.add (local.get $pad) (local.get $at)) (f64.promote_f32 (local.get $v)))
      (f64.store (i32.add (local.get $padSq) (local.get $at))
        (f64.promote_f32 (f32.mul (local.get $v) (local.get $v))))
      (local.set $x (i32.add (local.get $x) (i32.const 1)))
      (br_if $left (i32.lt_s (local.get $x) (i32.const 3))))
    (local.set $x (i32.const 0))
    (loop $body
      (local.set $v (f32.load (i32.add (local.get $src) (i32.shl (local.get $x) (i32.const 2)))))
      (local.set $at (i32.shl (i32.add (local.get $x) (i32.const 3)) (i32.const 3)))
      (f64.store (i32.add (local.get $pad) (local.get $at)) (f64.promote_f32 (local.get $v)))
      (f64.store (i32.add (local.get $padSq) (local.get $at))
        (f64.promote_f32 (f32.mul (local.get $v) (local.get $v))))
      (local.set $x (i32.add (local.get $x) (i32.const 1)))
      (br_if $body (i32.lt_s (local.get $x) (local.get $width))))
    (local.set $end (i32.add (local.get $width) (i32.const 7)))
    (loop $right
      (local.set $at (i32.shl (i32.add (local.get $x) (i32.const 3)) (i32.const 3)))
      (f64.store (i32.add (local.get $pad) (local.get $at)) (f64.promote_f32 (local.get $v)))
      (f64.store (i32.add (local.get $padSq) (local.get $at))
        (f64.promote_f32 (f32.mul (local.get $v) (local.get $v))))
      (local.set $x (i32.add (local.get $x) (i32.const 1)))
      (br_if $right (i32.lt_s (local.get $x) (local.get $end)))))

  ;; Horizontal 7-tap Gaussian of I and I² (replicated border), OpenCV's row filter: taps left to
  ;; right, first a product, then FMAs. Outputs have `stride` floats per row. $pad needs
  ;; 2 × (width + 16) f64 of scratch. k0…k3 are the (symmetric) kernel's float32 weights.
  (func (export "blurRows")
    (param $img i32) (param $width i32) (param $height i32) (param $stride i32)
    (param $pad i32) (param $outMean i32) (param $outSquare i32)
    (param $k0 f64) (param $k1 f64) (param $k2 f64) (param $k3 f64)
    (local $y i32) (local $x i32) (local $padSq i32) (local $a i32) (local $q i32) (local $dst i32)
    (local $K0 v128) (local $K1 v128) (local $K2 v128) (local $K3 v128)
    (local $mLo v128) (local $mHi v128) (local $sLo v128) (local $sHi v128)
    (local.set $K0 (f64x2.splat (local.get $k0)))
    (local.set $K1 (f64x2.splat (local.get $k1)))
    (local.set $K2 (f64x2.splat (local.get $k2)))
    (local.set $K3 (f64x2.splat (local.get $k3)))
    (local.set $padSq (i32.add (local.get $pad) (i32.shl (i32.add (local.get $width) (i32.const 16)) (i32.const 3))))
    (local.set $y (i32.const 0))
    (loop $rows
      (call $padRow
        (i32.add (local.get $img) (i32.shl (i32.mul (local.get $y) (local.get $width)) (i32.const 2)))
        (local.get $width) (local.get $pad) (local.get $padSq))
      (local.set $dst (i32.shl (i32.mul (local.get $y) (local.get $stride)) (i32.const 2)))
      (local.set $x (i32.const 0))
      (loop $columns
        (local.set $a (i32.add (local.get $pad) (i32.shl (local.get $x) (i32.const 3))))
        (local.set $q (i32.add (local.get $padSq) (i32.shl (local.get $x) (i32.const 3))))
        ;; tap 0: product
        (local.set $mLo (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero
          (f64x2.mul (v128.load (local.get $a)) (local.get $K0)))))
        (local.set $mHi (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero
          (f64x2.mul (v128.load offset=16 (local.get $a)) (local.get $K0)))))
        (local.set $sLo (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero
          (f64x2.mul (v128.load (local.get $q)) (local.get $K0)))))
        (local.set $sHi (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero
          (f64x2.mul (v128.load offset=16 (local.get $q)) (local.get $K0)))))
        ;; tap 1 (k1)
        (local.set $mLo (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (f64x2.add
          (f64x2.mul (v128.load offset=8 (local.get $a)) (local.get $K1)) (local.get $mLo)))))
        (local.set $mHi (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (f64x2.add
          (f64x2.mul (v128.load offset=24 (local.get $a)) (local.get $K1)) (local.get $mHi)))))
        (local.set $sLo (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (f64x2.add
          (f64x2.mul (v128.load offset=8 (local.get $q)) (local.get $K1)) (local.get $sLo)))))
        (local.set $sHi (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (f64x2.add
          (f64x2.mul (v128.load offset=24 (local.get $q)) (local.get $K1)) (local.get $sHi)))))
        ;; tap 2 (k2)
        (local.set $mLo (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (f64x2.add
          (f64x2.mul (v128.load offset=16 (local.get $a)) (local.get $K2)) (local.get $mLo)))))
        (local.set $mHi (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (f64x2.add
          (f64x2.mul (v128.load offset=32 (local.get $a)) (local.get $K2)) (local.get $mHi)))))
        (local.set $sLo (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (f64x2.add
          (f64x2.mul (v128.load offset=16 (local.get $q)) (local.get $K2)) (local.get $sLo)))))
        (local.set $sHi (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (f64x2.add
          (f64x2.mul (v128.load offset=32 (local.get $q)) (local.get $K2)) (local.get $sHi)))))
        ;; tap 3 (k3)
        (local.set $mLo (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (f64x2.add
          (f64x2.mul (v128.load offset=24 (local.get $a)) (local.get $K3)) (local.get $mLo)))))
        (local.set $mHi (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (f64x2.add
          (f64x2.mul (v128.load offset=40 (local.get $a)) (local.get $K3)) (local.get $mHi)))))
        (local.set $sLo (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (f64x2.add
          (f64x2.mul (v128.load offset=24 (local.get $q)) (local.get $K3)) (local.get $sLo)))))
        (local.set $sHi (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (f64x2.add
          (f64x2.mul (v128.load offset=40 (local.get $q)) (local.get $K3)) (local.get $sHi)))))
        ;; tap 4 (k4 = k2)
        (local.set $mLo (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (f64x2.add
          (f64x2.mul (v128.load offset=32 (local.get $a)) (local.get $K2)) (local.get $mLo)))))
        (local.set $mHi (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (f64x2.add
          (f64x2.mul (v128.load offset=48 (local.get $a)) (local.get $K2)) (local.get $mHi)))))
        (local.set $sLo (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (f64x2.add
          (f64x2.mul (v128.load offset=32 (local.get $q)) (local.get $K2)) (local.get $sLo)))))
        (local.set $sHi (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (f64x2.add
          (f64x2.mul (v128.load offset=48 (local.get $q)) (local.get $K2)) (local.get $sHi)))))
        ;; tap 5 (k5 = k1)
        (local.set $mLo (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (f64x2.add
          (f64x2.mul (v128.load offset=40 (local.get $a)) (local.get $K1)) (local.get $mLo)))))
        (local.set $mHi (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (f64x2.add
          (f64x2.mul (v128.load offset=56 (local.get $a)) (local.get $K1)) (local.get $mHi)))))
        (local.set $sLo (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (f64x2.add
          (f64x2.mul (v128.load offset=40 (local.get $q)) (local.get $K1)) (local.get $sLo)))))
        (local.set $sHi (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (f64x2.add
          (f64x2.mul (v128.load offset=56 (local.get $q)) (local.get $K1)) (local.get $sHi)))))
        ;; tap 6 (k6 = k0), rounded by the f32 store
        (v128.store (i32.add (local.get $outMean) (i32.add (local.get $dst) (i32.shl (local.get $x) (i32.const 2))))
          (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
            (f32x4.demote_f64x2_zero (f64x2.add
              (f64x2.mul (v128.load offset=48 (local.get $a)) (local.get $K0)) (local.get $mLo)))
            (f32x4.demote_f64x2_zero (f64x2.add
              (f64x2.mul (v128.load offset=64 (local.get $a)) (local.get $K0)) (local.get $mHi)))))
        (v128.store (i32.add (local.get $outSquare) (i32.add (local.get $dst) (i32.shl (local.get $x) (i32.const 2))))
          (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
            (f32x4.demote_f64x2_zero (f64x2.add
              (f64x2.mul (v128.load offset=48 (local.get $q)) (local.get $K0)) (local.get $sLo)))
            (f32x4.demote_f64x2_zero (f64x2.add
              (f64x2.mul (v128.load offset=64 (local.get $q)) (local.get $K0)) (local.get $sHi)))))
        (local.set $x (i32.add (local.get $x) (i32.const 4)))
        (br_if $columns (i32.lt_s (local.get $x) (local.get $width))))
      (local.set $y (i32.add (local.get $y) (i32.const 1)))
      (br_if $rows (i32.lt_s (local.get $y) (local.get $height)))))

  ;; Vertical 7-tap pass of the four rows ±1…3 around $centre (f32x4 lanes at byte offset $at),
  ;; OpenCV's symmetric column filter: centre product, then k·(above + below) + acc as FMAs.
  ;; Rows are byte offsets of whole rows into $map.
  (func $blurColumn
    (param $map i32) (param $c i32) (param $u1 i32) (param $d1 i32) (param $u2 i32) (param $d2 i32)
    (param $u3 i32) (param $d3 i32)
    (param $K3 v128) (param $K2 v128) (param $K1 v128) (param $K0 v128) (result v128)
    (local $lo v128) (local $hi v128) (local $s v128) (local $acc v128)
    (local.set $acc (f32x4.mul (v128.load (i32.add (local.get $map) (local.get $c))) (local.get $K3)))
    (local.set $lo (f64x2.promote_low_f32x4 (local.get $acc)))
    (local.set $hi (f64x2.promote_low_f32x4
      (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $acc) (local.get $acc))))
    (local.set $s (f32x4.add (v128.load (i32.add (local.get $map) (local.get $u1)))
      (v128.load (i32.add (local.get $map) (local.get $d1)))))
    (local.set $lo (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (f64x2.add
      (f64x2.mul (local.get $K2) (f64x2.promote_low_f32x4 (local.get $s))) (local.get $lo)))))
    (local.set $hi (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (f64x2.add
      (f64x2.mul (local.get $K2) (f64x2.promote_low_f32x4
        (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $s) (local.get $s))))
      (local.get $hi)))))
    (local.set $s (f32x4.add (v128.load (i32.add (local.get $map) (local.get $u2)))
      (v128.load (i32.add (local.get $map) (local.get $d2)))))
    (local.set $lo (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (f64x2.add
      (f64x2.mul (local.get $K1) (f64x2.promote_low_f32x4 (local.get $s))) (local.get $lo)))))
    (local.set $hi (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (f64x2.add
      (f64x2.mul (local.get $K1) (f64x2.promote_low_f32x4
        (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $s) (local.get $s))))
      (local.get $hi)))))
    (local.set $s (f32x4.add (v128.load (i32.add (local.get $map) (local.get $u3)))
      (v128.load (i32.add (local.get $map) (local.get $d3)))))
    (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
      (f32x4.demote_f64x2_zero (f64x2.add
        (f64x2.mul (local.get $K0) (f64x2.promote_low_f32x4 (local.get $s))) (local.get $lo)))
      (f32x4.demote_f64x2_zero (f64x2.add
        (f64x2.mul (local.get $K0) (f64x2.promote_low_f32x4
          (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $s) (local.get $s))))
        (local.get $hi)))))

  ;; Vertical pass (replicated rows) of both row-blurred maps fused with the MSCN arithmetic:
  ;; (I − μ) / (√(σ² − μ²) + ε) in f32, NaN → 0. $out gets `stride` floats per row, zeros in the
  ;; columns width…stride−1, and a zero row above row 0 and below the last (for the pair products).
  (func (export "blurColumnsToMscn")
    (param $img i32) (param $width i32) (param $height i32) (param $stride i32)
    (param $rowMean i32) (param $rowSquare i32) (param $out i32)
    (param $k0 f64) (param $k1 f64) (param $k2 f64) (param $k3 f64) (param $eps f32)
    (local $y i32) (local $x i32) (local $rowBytes i32) (local $last i32)
    (local $c i32) (local $u1 i32) (local $d1 i32) (local $u2 i32) (local $d2 i32) (local $u3 i32) (local $d3 i32)
    (local $K0 v128) (local $K1 v128) (local $K2 v128) (local $K3 v128) (local $E v128)
    (local $mu v128) (local $sq v128) (local $coefficient v128)
    (local.set $K0 (f64x2.splat (local.get $k0)))
    (local.set $K1 (f64x2.splat (local.get $k1)))
    (local.set $K2 (f64x2.splat (local.get $k2)))
    (local.set $K3 (f32x4.splat (f32.demote_f64 (local.get $k3))))
    (local.set $E (f32x4.splat (local.get $eps)))
    (local.set $rowBytes (i32.shl (local.get $stride) (i32.const 2)))
    (local.set $last (i32.sub (local.get $height) (i32.const 1)))
    (memory.fill (i32.sub (local.get $out) (local.get $rowBytes)) (i32.const 0) (local.get $rowBytes))
    (memory.fill (i32.add (local.get $out) (i32.mul (local.get $height) (local.get $rowBytes)))
      (i32.const 0) (i32.add (local.get $rowBytes) (i32.const 16)))
    (local.set $y (i32.const 0))
    (loop $rows
      (local.set $c (i32.mul (local.get $y) (local.get $rowBytes)))
      (local.set $u1 (i32.mul (call $clamp (i32.sub (local.get $y) (i32.const 1)) (local.get $last)) (local.get $rowBytes)))
      (local.set $u2 (i32.mul (call $clamp (i32.sub (local.get $y) (i32.const 2)) (local.get $last)) (local.get $rowBytes)))
      (local.set $u3 (i32.mul (call $clamp (i32.sub (local.get $y) (i32.const 3)) (local.get $last)) (local.get $rowBytes)))
      (local.set $d1 (i32.mul (call $clamp (i32.add (local.get $y) (i32.const 1)) (local.get $last)) (local.get $rowBytes)))
      (local.set $d2 (i32.mul (call $clamp (i32.add (local.get $y) (i32.const 2)) (local.get $last)) (local.get $rowBytes)))
      (local.set $d3 (i32.mul (call $clamp (i32.add (local.get $y) (i32.const 3)) (local.get $last)) (local.get $rowBytes)))
      (local.set $x (i32.const 0))
      (loop $columns
        (local.set $mu (call $blurColumn (local.get $rowMean)
          (local.get $c) (local.get $u1) (local.get $d1) (local.get $u2) (local.get $d2) (local.get $u3) (local.get $d3)
          (local.get $K3) (local.get $K2) (local.get $K1) (local.get $K0)))
        (local.set $sq (call $blurColumn (local.get $rowSquare)
          (local.get $c) (local.get $u1) (local.get $d1) (local.get $u2) (local.get $d2) (local.get $u3) (local.get $d3)
          (local.get $K3) (local.get $K2) (local.get $K1) (local.get $K0)))
        (local.set $coefficient
          (f32x4.div
            (f32x4.sub
              (v128.load (i32.add (local.get $img)
                (i32.shl (i32.add (i32.mul (local.get $y) (local.get $width)) (local.get $x)) (i32.const 2))))
              (local.get $mu))
            (f32x4.add
              (f32x4.sqrt (f32x4.sub (local.get $sq) (f32x4.mul (local.get $mu) (local.get $mu))))
              (local.get $E))))
        (v128.store (i32.add (local.get $out) (local.get $c))
          (v128.and (local.get $coefficient) (f32x4.eq (local.get $coefficient) (local.get $coefficient))))
        (local.set $c (i32.add (local.get $c) (i32.const 16)))
        (local.set $u1 (i32.add (local.get $u1) (i32.const 16)))
        (local.set $u2 (i32.add (local.get $u2) (i32.const 16)))
        (local.set $u3 (i32.add (local.get $u3) (i32.const 16)))
        (local.set $d1 (i32.add (local.get $d1) (i32.const 16)))
        (local.set $d2 (i32.add (local.get $d2) (i32.const 16)))
        (local.set $d3 (i32.add (local.get $d3) (i32.const 16)))
        (local.set $x (i32.add (local.get $x) (i32.const 4)))
        (br_if $columns (i32.lt_s (local.get $x) (local.get $width))))
      ;; zero the padding columns
      (memory.fill
        (i32.add (local.get $out) (i32.add (i32.mul (local.get $y) (local.get $rowBytes)) (i32.shl (local.get $width) (i32.const 2))))
        (i32.const 0)
        (i32.shl (i32.sub (local.get $stride) (local.get $width)) (i32.const 2)))
      (local.set $y (i32.add (local.get $y) (i32.const 1)))
      (br_if $rows (i32.lt_s (local.get $y) (local.get $height)))))

  ;; AGGD sums of the MSCN map and of its four pair products (H, V, D1, D2: right, below,
  ;; below-right, above-right neighbour), visiting pixels row-major as OpenCV does, so each double
  ;; sum rounds identically (one f64x2 lane per orientation). $map is a blurColumnsToMscn output:
  ;; pairs leaving the image are products with its zero padding and change no sum. Writes
  ;; 5 × [positive count, negative count, Σ positive v², Σ other v², Σ |v|] as f64 at $sums
  ;; (self, H, V, D1, D2).
  (func (export "accumulate") (param $map i32) (param $width i32) (param $height i32) (param $stride i32)
    (param $sums i32)
    (local $y i32) (local $x i32) (local $p i32) (local $rowBytes i32)
    (local $m v128) (local $h v128) (local $v v128) (local $d1 v128) (local $d2 v128)
    (local $hv01 v128) (local $hv23 v128) (local $dd01 v128) (local $dd23 v128) (local $mLo v128) (local $mHi v128)
    (local $s v128) (local $e v128) (local $sq v128) (local $positive v128)
    (local $selfSquares v128) (local $selfAbs v128)
    (local $hvPositive v128) (local $hvNegative v128) (local $hvAbs v128)
    (local $ddPositive v128) (local $ddNegative v128) (local $ddAbs v128)
    (local $countSelfPositive v128) (local $countSelfNegative v128)
    (local $countHvPositive v128) (local $countHvNegative v128)
    (local $countDdPositive v128) (local $countDdNegative v128)
    (local.set $rowBytes (i32.shl (local.get $stride) (i32.const 2)))
    (local.set $y (i32.const 0))
    (loop $rows
      (local.set $p (i32.add (local.get $map) (i32.mul (local.get $y) (local.get $rowBytes))))
      (local.set $x (i32.const 0))
      (loop $columns
        (local.set $m (v128.load (local.get $p)))
        (local.set $h (f32x4.mul (local.get $m) (v128.load offset=4 (local.get $p))))
        (local.set $v (f32x4.mul (local.get $m) (v128.load (i32.add (local.get $p) (local.get $rowBytes)))))
        (local.set $d1 (f32x4.mul (local.get $m) (v128.load offset=4 (i32.add (local.get $p) (local.get $rowBytes)))))
        (local.set $d2 (f32x4.mul (local.get $m) (v128.load offset=4 (i32.sub (local.get $p) (local.get $rowBytes)))))
        ;; pixel-major: hv01 = H0 V0 H1 V1, hv23 = H2 V2 H3 V3; dd01, dd23 likewise for D1, D2
        (local.set $hv01 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $h) (local.get $v)))
        (local.set $hv23 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $h) (local.get $v)))
        (local.set $dd01 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $d1) (local.get $d2)))
        (local.set $dd23 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $d1) (local.get $d2)))
        (local.set $countSelfPositive (i32x4.sub (local.get $countSelfPositive) (f32x4.gt (local.get $m) (v128.const i32x4 0 0 0 0))))
        (local.set $countSelfNegative (i32x4.sub (local.get $countSelfNegative) (f32x4.lt (local.get $m) (v128.const i32x4 0 0 0 0))))
        (local.set $countHvPositive (i32x4.sub (i32x4.sub (local.get $countHvPositive) (f32x4.gt (local.get $hv01) (v128.const i32x4 0 0 0 0)))
          (f32x4.gt (local.get $hv23) (v128.const i32x4 0 0 0 0))))
        (local.set $countHvNegative (i32x4.sub (i32x4.sub (local.get $countHvNegative) (f32x4.lt (local.get $hv01) (v128.const i32x4 0 0 0 0)))
          (f32x4.lt (local.get $hv23) (v128.const i32x4 0 0 0 0))))
        (local.set $countDdPositive (i32x4.sub (i32x4.sub (local.get $countDdPositive) (f32x4.gt (local.get $dd01) (v128.const i32x4 0 0 0 0)))
          (f32x4.gt (local.get $dd23) (v128.const i32x4 0 0 0 0))))
        (local.set $countDdNegative (i32x4.sub (i32x4.sub (local.get $countDdNegative) (f32x4.lt (local.get $dd01) (v128.const i32x4 0 0 0 0)))
          (f32x4.lt (local.get $dd23) (v128.const i32x4 0 0 0 0))))
        (local.set $mLo (f64x2.promote_low_f32x4 (local.get $m)))
        (local.set $mHi (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $m) (local.get $m))))
        ;; pixel 0: self in both lanes (lane 0 gets positive squares, lane 1 the others)
        (local.set $s (i8x16.shuffle 0 1 2 3 4 5 6 7 0 1 2 3 4 5 6 7 (local.get $mLo) (local.get $mLo)))
        (local.set $selfSquares (f64x2.add (local.get $selfSquares) (v128.and (f64x2.mul (local.get $s) (local.get $s))
          (v128.xor (f64x2.gt (local.get $s) (v128.const i32x4 0 0 0 0)) (v128.const i64x2 0 -1)))))
        (local.set $selfAbs (f64x2.add (local.get $selfAbs) (f64x2.abs (local.get $s))))
        (local.set $e (f64x2.promote_low_f32x4 (local.get $hv01)))
        (local.set $sq (f64x2.mul (local.get $e) (local.get $e)))
        (local.set $positive (f64x2.gt (local.get $e) (v128.const i32x4 0 0 0 0)))
        (local.set $hvPositive (f64x2.add (local.get $hvPositive) (v128.and (local.get $sq) (local.get $positive))))
        (local.set $hvNegative (f64x2.add (local.get $hvNegative) (v128.andnot (local.get $sq) (local.get $positive))))
        (local.set $hvAbs (f64x2.add (local.get $hvAbs) (f64x2.abs (local.get $e))))
        (local.set $e (f64x2.promote_low_f32x4 (local.get $dd01)))
        (local.set $sq (f64x2.mul (local.get $e) (local.get $e)))
        (local.set $positive (f64x2.gt (local.get $e) (v128.const i32x4 0 0 0 0)))
        (local.set $ddPositive (f64x2.add (local.get $ddPositive) (v128.and (local.get $sq) (local.get $positive))))
        (local.set $ddNegative (f64x2.add (local.get $ddNegative) (v128.andnot (local.get $sq) (local.get $positive))))
        (local.set $ddAbs (f64x2.add (local.get $ddAbs) (f64x2.abs (local.get $e))))
        ;; pixel 1: self in both lanes (lane 0 gets positive squares, lane 1 the others)
        (local.set $s (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $mLo) (local.get $mLo)))
        (local.set $selfSquares (f64x2.add (local.get $selfSquares) (v128.and (f64x2.mul (local.get $s) (local.get $s))
          (v128.xor (f64x2.gt (local.get $s) (v128.const i32x4 0 0 0 0)) (v128.const i64x2 0 -1)))))
        (local.set $selfAbs (f64x2.add (local.get $selfAbs) (f64x2.abs (local.get $s))))
        (local.set $e (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $hv01) (local.get $hv01))))
        (local.set $sq (f64x2.mul (local.get $e) (local.get $e)))
        (local.set $positive (f64x2.gt (local.get $e) (v128.const i32x4 0 0 0 0)))
        (local.set $hvPositive (f64x2.add (local.get $hvPositive) (v128.and (local.get $sq) (local.get $positive))))
        (local.set $hvNegative (f64x2.add (local.get $hvNegative) (v128.andnot (local.get $sq) (local.get $positive))))
        (local.set $hvAbs (f64x2.add (local.get $hvAbs) (f64x2.abs (local.get $e))))
        (local.set $e (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $dd01) (local.get $dd01))))
        (local.set $sq (f64x2.mul (local.get $e) (local.get $e)))
        (local.set $positive (f64x2.gt (local.get $e) (v128.const i32x4 0 0 0 0)))
        (local.set $ddPositive (f64x2.add (local.get $ddPositive) (v128.and (local.get $sq) (local.get $positive))))
        (local.set $ddNegative (f64x2.add (local.get $ddNegative) (v128.andnot (local.get $sq) (local.get $positive))))
        (local.set $ddAbs (f64x2.add (local.get $ddAbs) (f64x2.abs (local.get $e))))
        ;; pixel 2: self in both lanes (lane 0 gets positive squares, lane 1 the others)
        (local.set $s (i8x16.shuffle 0 1 2 3 4 5 6 7 0 1 2 3 4 5 6 7 (local.get $mHi) (local.get $mHi)))
        (local.set $selfSquares (f64x2.add (local.get $selfSquares) (v128.and (f64x2.mul (local.get $s) (local.get $s))
          (v128.xor (f64x2.gt (local.get $s) (v128.const i32x4 0 0 0 0)) (v128.const i64x2 0 -1)))))
        (local.set $selfAbs (f64x2.add (local.get $selfAbs) (f64x2.abs (local.get $s))))
        (local.set $e (f64x2.promote_low_f32x4 (local.get $hv23)))
        (local.set $sq (f64x2.mul (local.get $e) (local.get $e)))
        (local.set $positive (f64x2.gt (local.get $e) (v128.const i32x4 0 0 0 0)))
        (local.set $hvPositive (f64x2.add (local.get $hvPositive) (v128.and (local.get $sq) (local.get $positive))))
        (local.set $hvNegative (f64x2.add (local.get $hvNegative) (v128.andnot (local.get $sq) (local.get $positive))))
        (local.set $hvAbs (f64x2.add (local.get $hvAbs) (f64x2.abs (local.get $e))))
        (local.set $e (f64x2.promote_low_f32x4 (local.get $dd23)))
        (local.set $sq (f64x2.mul (local.get $e) (local.get $e)))
        (local.set $positive (f64x2.gt (local.get $e) (v128.const i32x4 0 0 0 0)))
        (local.set $ddPositive (f64x2.add (local.get $ddPositive) (v128.and (local.get $sq) (local.get $positive))))
        (local.set $ddNegative (f64x2.add (local.get $ddNegative) (v128.andnot (local.get $sq) (local.get $positive))))
        (local.set $ddAbs (f64x2.add (local.get $ddAbs) (f64x2.abs (local.get $e))))
        ;; pixel 3: self in both lanes (lane 0 gets positive squares, lane 1 the others)
        (local.set $s (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $mHi) (local.get $mHi)))
        (local.set $selfSquares (f64x2.add (local.get $selfSquares) (v128.and (f64x2.mul (local.get $s) (local.get $s))
          (v128.xor (f64x2.gt (local.get $s) (v128.const i32x4 0 0 0 0)) (v128.const i64x2 0 -1)))))
        (local.set $selfAbs (f64x2.add (local.get $selfAbs) (f64x2.abs (local.get $s))))
        (local.set $e (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $hv23) (local.get $hv23))))
        (local.set $sq (f64x2.mul (local.get $e) (local.get $e)))
        (local.set $positive (f64x2.gt (local.get $e) (v128.const i32x4 0 0 0 0)))
        (local.set $hvPositive (f64x2.add (local.get $hvPositive) (v128.and (local.get $sq) (local.get $positive))))
        (local.set $hvNegative (f64x2.add (local.get $hvNegative) (v128.andnot (local.get $sq) (local.get $positive))))
        (local.set $hvAbs (f64x2.add (local.get $hvAbs) (f64x2.abs (local.get $e))))
        (local.set $e (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $dd23) (local.get $dd23))))
        (local.set $sq (f64x2.mul (local.get $e) (local.get $e)))
        (local.set $positive (f64x2.gt (local.get $e) (v128.const i32x4 0 0 0 0)))
        (local.set $ddPositive (f64x2.add (local.get $ddPositive) (v128.and (local.get $sq) (local.get $positive))))
        (local.set $ddNegative (f64x2.add (local.get $ddNegative) (v128.andnot (local.get $sq) (local.get $positive))))
        (local.set $ddAbs (f64x2.add (local.get $ddAbs) (f64x2.abs (local.get $e))))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (local.set $x (i32.add (local.get $x) (i32.const 4)))
        (br_if $columns (i32.lt_s (local.get $x) (local.get $width))))
      (local.set $y (i32.add (local.get $y) (i32.const 1)))
      (br_if $rows (i32.lt_s (local.get $y) (local.get $height))))
    (f64.store offset=0 (local.get $sums) (f64.convert_i32_s (i32.add (i32.add (i32x4.extract_lane 0 (local.get $countSelfPositive)) (i32x4.extract_lane 1 (local.get $countSelfPositive))) (i32.add (i32x4.extract_lane 2 (local.get $countSelfPositive)) (i32x4.extract_lane 3 (local.get $countSelfPositive))))))
    (f64.store offset=8 (local.get $sums) (f64.convert_i32_s (i32.add (i32.add (i32x4.extract_lane 0 (local.get $countSelfNegative)) (i32x4.extract_lane 1 (local.get $countSelfNegative))) (i32.add (i32x4.extract_lane 2 (local.get $countSelfNegative)) (i32x4.extract_lane 3 (local.get $countSelfNegative))))))
    (f64.store offset=16 (local.get $sums) (f64x2.extract_lane 0 (local.get $selfSquares)))
    (f64.store offset=24 (local.get $sums) (f64x2.extract_lane 1 (local.get $selfSquares)))
    (f64.store offset=32 (local.get $sums) (f64x2.extract_lane 0 (local.get $selfAbs)))
    (f64.store offset=40 (local.get $sums) (f64.convert_i32_s (i32.add (i32x4.extract_lane 0 (local.get $countHvPositive)) (i32x4.extract_lane 2 (local.get $countHvPositive)))))
    (f64.store offset=48 (local.get $sums) (f64.convert_i32_s (i32.add (i32x4.extract_lane 0 (local.get $countHvNegative)) (i32x4.extract_lane 2 (local.get $countHvNegative)))))
    (f64.store offset=56 (local.get $sums) (f64x2.extract_lane 0 (local.get $hvPositive)))
    (f64.store offset=64 (local.get $sums) (f64x2.extract_lane 0 (local.get $hvNegative)))
    (f64.store offset=72 (local.get $sums) (f64x2.extract_lane 0 (local.get $hvAbs)))
    (f64.store offset=80 (local.get $sums) (f64.convert_i32_s (i32.add (i32x4.extract_lane 1 (local.get $countHvPositive)) (i32x4.extract_lane 3 (local.get $countHvPositive)))))
    (f64.store offset=88 (local.get $sums) (f64.convert_i32_s (i32.add (i32x4.extract_lane 1 (local.get $countHvNegative)) (i32x4.extract_lane 3 (local.get $countHvNegative)))))
    (f64.store offset=96 (local.get $sums) (f64x2.extract_lane 1 (local.get $hvPositive)))
    (f64.store offset=104 (local.get $sums) (f64x2.extract_lane 1 (local.get $hvNegative)))
    (f64.store offset=112 (local.get $sums) (f64x2.extract_lane 1 (local.get $hvAbs)))
    (f64.store offset=120 (local.get $sums) (f64.convert_i32_s (i32.add (i32x4.extract_lane 0 (local.get $countDdPositive)) (i32x4.extract_lane 2 (local.get $countDdPositive)))))
    (f64.store offset=128 (local.get $sums) (f64.convert_i32_s (i32.add (i32x4.extract_lane 0 (local.get $countDdNegative)) (i32x4.extract_lane 2 (local.get $countDdNegative)))))
    (f64.store offset=136 (local.get $sums) (f64x2.extract_lane 0 (local.get $ddPositive)))
    (f64.store offset=144 (local.get $sums) (f64x2.extract_lane 0 (local.get $ddNegative)))
    (f64.store offset=152 (local.get $sums) (f64x2.extract_lane 0 (local.get $ddAbs)))
    (f64.store offset=160 (local.get $sums) (f64.convert_i32_s (i32.add (i32x4.extract_lane 1 (local.get $countDdPositive)) (i32x4.extract_lane 3 (local.get $countDdPositive)))))
    (f64.store offset=168 (local.get $sums) (f64.convert_i32_s (i32.add (i32x4.extract_lane 1 (local.get $countDdNegative)) (i32x4.extract_lane 3 (local.get $countDdNegative)))))
    (f64.store offset=176 (local.get $sums) (f64x2.extract_lane 1 (local.get $ddPositive)))
    (f64.store offset=184 (local.get $sums) (f64x2.extract_lane 1 (local.get $ddNegative)))
    (f64.store offset=192 (local.get $sums) (f64x2.extract_lane 1 (local.get $ddAbs))))

  ;; Horizontal pass of cv::resize(INTER_CUBIC) on float32 rows: out[x] = ((a·w0 + b·w1) + c·w2) + d·w3
  ;; in f32, taps a…d from the source row padded by 3 replicated pixels per side. $taps holds per
  ;; output column the padded index of a (i32); $weights four f32 per column; both have ≥ 4 spare
  ;; entries past `destWidth` (any values). $pad needs sourceWidth + 16 floats of scratch.
  (func (export "resizeRows")
    (param $src i32) (param $sourceWidth i32) (param $sourceHeight i32)
    (param $dst i32) (param $destWidth i32) (param $taps i32) (param $weights i32) (param $pad i32)
    (local $y i32) (local $x i32) (local $i i32) (local $v f32) (local $out i32) (local $t i32) (local $w i32)
    (local $p0 v128) (local $p1 v128) (local $p2 v128) (local $p3 v128)
    (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)
    (local.set $y (i32.const 0))
    (loop $rows
      ;; padded row
      (local.set $v (f32.load (local.get $src)))
      (f32.store (local.get $pad) (local.get $v))
      (f32.store offset=4 (local.get $pad) (local.get $v))
      (f32.store offset=8 (local.get $pad) (local.get $v))
      (memory.copy (i32.add (local.get $pad) (i32.const 12)) (local.get $src)
        (i32.shl (local.get $sourceWidth) (i32.const 2)))
      (local.set $src (i32.add (local.get $src) (i32.shl (local.get $sourceWidth) (i32.const 2))))
      (local.set $v (f32.load (i32.sub (local.get $src) (i32.const 4))))
      (local.set $i (i32.add (local.get $pad) (i32.shl (i32.add (local.get $sourceWidth) (i32.const 3)) (i32.const 2))))
      (v128.store (local.get $i) (f32x4.splat (local.get $v)))
      (v128.store offset=16 (local.get $i) (f32x4.splat (local.get $v)))
      (local.set $x (i32.const 0))
      (local.set $t (local.get $taps))
      (local.set $w (local.get $weights))
      (loop $columns
        (local.set $p0 (f32x4.mul (v128.load (i32.add (local.get $pad) (i32.shl (i32.load (local.get $t)) (i32.const 2))))
          (v128.load (local.get $w))))
        (local.set $p1 (f32x4.mul (v128.load (i32.add (local.get $pad) (i32.shl (i32.load offset=4 (local.get $t)) (i32.const 2))))
          (v128.load offset=16 (local.get $w))))
        (local.set $p2 (f32x4.mul (v128.load (i32.add (local.get $pad) (i32.shl (i32.load offset=8 (local.get $t)) (i32.const 2))))
          (v128.load offset=32 (local.get $w))))
        (local.set $p3 (f32x4.mul (v128.load (i32.add (local.get $pad) (i32.shl (i32.load offset=12 (local.get $t)) (i32.const 2))))
          (v128.load offset=48 (local.get $w))))
        ;; transpose: lanes become output columns
        (local.set $t0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $p0) (local.get $p1)))
        (local.set $t1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $p0) (local.get $p1)))
        (local.set $t2 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $p2) (local.get $p3)))
        (local.set $t3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $p2) (local.get $p3)))
        (v128.store (local.get $dst)
          (f32x4.add
            (f32x4.add
              (f32x4.add
                (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t0) (local.get $t2))
                (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t0) (local.get $t2)))
              (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t1) (local.get $t3)))
            (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t1) (local.get $t3))))
        (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
        (local.set $t (i32.add (local.get $t) (i32.const 16)))
        (local.set $w (i32.add (local.get $w) (i32.const 64)))
        (local.set $x (i32.add (local.get $x) (i32.const 4)))
        (br_if $columns (i32.lt_s (local.get $x) (local.get $destWidth))))
      ;; the next row starts right after this one (the extra lanes are overwritten)
      (local.set $dst (i32.sub (local.get $dst) (i32.shl (i32.sub (local.get $x) (local.get $destWidth)) (i32.const 2))))
      (local.set $y (i32.add (local.get $y) (i32.const 1)))
      (br_if $rows (i32.lt_s (local.get $y) (local.get $sourceHeight)))))

  ;; Vertical pass of cv::resize(INTER_CUBIC): per output row four source rows (clamped row indices,
  ;; 4 × i32 per row at $taps) and weights (4 × f32 at $weights). Like OpenCV, 4-lane blocks sum the
  ;; taps from the last back, the < 4 remaining columns from the first on.
  (func (export "resizeColumns")
    (param $src i32) (param $width i32) (param $dst i32) (param $destHeight i32) (param $taps i32) (param $weights i32)
    (local $y i32) (local $x i32) (local $vectorEnd i32) (local $rowBytes i32)
    (local $r0 i32) (local $r1 i32) (local $r2 i32) (local $r3 i32)
    (local $b0 f32) (local $b1 f32) (local $b2 f32) (local $b3 f32)
    (local $B0 v128) (local $B1 v128) (local $B2 v128) (local $B3 v128)
    (local.set $rowBytes (i32.shl (local.get $width) (i32.const 2)))
    (local.set $vectorEnd (i32.and (local.get $width) (i32.const -4)))
    (local.set $y (i32.const 0))
    (loop $rows
      (local.set $r0 (i32.add (local.get $src) (i32.mul (i32.load (local.get $taps)) (local.get $rowBytes))))
      (local.set $r1 (i32.add (local.get $src) (i32.mul (i32.load offset=4 (local.get $taps)) (local.get $rowBytes))))
      (local.set $r2 (i32.add (local.get $src) (i32.mul (i32.load offset=8 (local.get $taps)) (local.get $rowBytes))))
      (local.set $r3 (i32.add (local.get $src) (i32.mul (i32.load offset=12 (local.get $taps)) (local.get $rowBytes))))
      (local.set $b0 (f32.load (local.get $weights)))
      (local.set $b1 (f32.load offset=4 (local.get $weights)))
      (local.set $b2 (f32.load offset=8 (local.get $weights)))
      (local.set $b3 (f32.load offset=12 (local.get $weights)))
      (local.set $B0 (f32x4.splat (local.get $b0)))
      (local.set $B1 (f32x4.splat (local.get $b1)))
      (local.set $B2 (f32x4.splat (local.get $b2)))
      (local.set $B3 (f32x4.splat (local.get $b3)))
      (local.set $x (i32.const 0))
      (block $vectorDone
        (loop $vector
          (br_if $vectorDone (i32.ge_s (local.get $x) (local.get $vectorEnd)))
          (v128.store (local.get $dst)
            (f32x4.add
              (f32x4.add
                (f32x4.add
                  (f32x4.mul (v128.load (local.get $r3)) (local.get $B3))
                  (f32x4.mul (v128.load (local.get $r2)) (local.get $B2)))
                (f32x4.mul (v128.load (local.get $r1)) (local.get $B1)))
              (f32x4.mul (v128.load (local.get $r0)) (local.get $B0))))
          (local.set $r0 (i32.add (local.get $r0) (i32.const 16)))
          (local.set $r1 (i32.add (local.get $r1) (i32.const 16)))
          (local.set $r2 (i32.add (local.get $r2) (i32.const 16)))
          (local.set $r3 (i32.add (local.get $r3) (i32.const 16)))
          (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
          (local.set $x (i32.add (local.get $x) (i32.const 4)))
          (br $vector)))
      (block $tailDone
        (loop $tail
          (br_if $tailDone (i32.ge_s (local.get $x) (local.get $width)))
          (f32.store (local.get $dst)
            (f32.add
              (f32.add
                (f32.add
                  (f32.mul (f32.load (local.get $r0)) (local.get $b0))
                  (f32.mul (f32.load (local.get $r1)) (local.get $b1)))
                (f32.mul (f32.load (local.get $r2)) (local.get $b2)))
              (f32.mul (f32.load (local.get $r3)) (local.get $b3))))
          (local.set $r0 (i32.add (local.get $r0) (i32.const 4)))
          (local.set $r1 (i32.add (local.get $r1) (i32.const 4)))
          (local.set $r2 (i32.add (local.get $r2) (i32.const 4)))
          (local.set $r3 (i32.add (local.get $r3) (i32.const 4)))
          (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
          (local.set $x (i32.add (local.get $x) (i32.const 1)))
          (br $tail)))
      (local.set $taps (i32.add (local.get $taps) (i32.const 16)))
      (local.set $weights (i32.add (local.get $weights) (i32.const 16)))
      (local.set $y (i32.add (local.get $y) (i32.const 1)))
      (br_if $rows (i32.lt_s (local.get $y) (local.get $destHeight)))))

  (func $clamp (param $i i32) (param $last i32) (result i32)
    (select (i32.const 0)
      (select (local.get $last) (local.get $i) (i32.gt_s (local.get $i) (local.get $last)))
      (i32.lt_s (local.get $i) (i32.const 0))))
)
