;; FFHQ quad warp (bilinear, PIL QUAD semantics), WebAssembly SIMD128. Compiled to warp-kernels.wasm by
;; tools/scripts/build-wasm.ts.
;;
;; Bit-identical to the JavaScript it replaced (kept in warp.spec.ts): the sample position advances by
;; repeated f64 addition along a row, every blend is computed in f64 in the same order
;; (top = a + (b − a)·fx, bottom = d + (e − d)·fx, top + (bottom − top)·fy), and rounding is
;; Math.round's (floor, +1 when the fraction is ≥ ½; the same as floor(x + 0.49999999999999994) for
;; x ≥ 0). Wasm has no implicit FMA, so each step rounds exactly as V8 does. Output pixels whose sample
;; falls off the image are left at 0: the caller zeroes the output first. Addresses are byte offsets
;; into the exported memory; the source has ≥ 16 bytes of slack, since the 3-channel kernels read a
;; pixel's 3 bytes as 4 (or 8).
(module
  (memory (export "memory") 1)

  ;; The first/last step u ≥ … at which s0 + u·step stays in [lo, hi] (±inf when step is 0).
  (func $firstInside (param $s0 f64) (param $step f64) (param $lo f64) (param $hi f64) (result f64)
    (if (result f64) (f64.gt (local.get $step) (f64.const 0))
      (then (f64.div (f64.sub (local.get $lo) (local.get $s0)) (local.get $step)))
      (else (if (result f64) (f64.lt (local.get $step) (f64.const 0))
        (then (f64.div (f64.sub (local.get $hi) (local.get $s0)) (local.get $step)))
        (else (select (f64.const -inf) (f64.const inf)
          (i32.and (f64.ge (local.get $s0) (local.get $lo)) (f64.le (local.get $s0) (local.get $hi)))))))))

  (func $lastInside (param $s0 f64) (param $step f64) (param $lo f64) (param $hi f64) (result f64)
    (if (result f64) (f64.gt (local.get $step) (f64.const 0))
      (then (f64.div (f64.sub (local.get $hi) (local.get $s0)) (local.get $step)))
      (else (if (result f64) (f64.lt (local.get $step) (f64.const 0))
        (then (f64.div (f64.sub (local.get $lo) (local.get $s0)) (local.get $step)))
        (else (select (f64.const inf) (f64.const -inf)
          (i32.and (f64.ge (local.get $s0) (local.get $lo)) (f64.le (local.get $s0) (local.get $hi)))))))))

  ;; One 3-channel pixel at (sx, sy), stored at o unless the sample is off the image; neighbours are
  ;; clamped into the image. Lanes (R, G) and (B, unused) of two f64x2 vectors.
  (func $pixel3
    (param $src i32) (param $w i32) (param $h i32) (param $o i32) (param $sx f64) (param $sy f64)
    (local $xf f64) (local $yf f64) (local $xi i32) (local $yi i32)
    (local $x0 i32) (local $x1 i32) (local $r0 i32) (local $r1 i32)
    (local $fx v128) (local $fy v128) (local $a v128) (local $b v128) (local $d v128) (local $e v128)
    (local $lo v128) (local $hi v128) (local $flo v128) (local $fhi v128)
    (local $a2 v128) (local $b2 v128) (local $d2 v128) (local $e2 v128) (local $ca v128) (local $cd v128)
    (local $top v128)
    (if (i32.and
          (i32.and (f64.ge (local.get $sx) (f64.const -0.5)) (f64.ge (local.get $sy) (f64.const -0.5)))
          (i32.and (f64.lt (local.get $sx) (f64.sub (f64.convert_i32_s (local.get $w)) (f64.const 0.5)))
            (f64.lt (local.get $sy) (f64.sub (f64.convert_i32_s (local.get $h)) (f64.const 0.5)))))
      (then
        (local.set $xf (f64.floor (local.get $sx)))
        (local.set $yf (f64.floor (local.get $sy)))
        (local.set $fx (f64x2.splat (f64.sub (local.get $sx) (local.get $xf))))
        (local.set $fy (f64x2.splat (f64.sub (local.get $sy) (local.get $yf))))
        (local.set $xi (i32.trunc_f64_s (local.get $xf)))
        (local.set $yi (i32.trunc_f64_s (local.get $yf)))
        (local.set $x0 (select (i32.const 0) (local.get $xi) (i32.lt_s (local.get $xi) (i32.const 0))))
        (local.set $x1 (i32.add (local.get $xi) (i32.const 1)))
        (local.set $x1 (select (i32.sub (local.get $w) (i32.const 1)) (local.get $x1)
          (i32.ge_s (local.get $x1) (local.get $w))))
        (local.set $r0 (i32.mul (local.get $w)
          (select (i32.const 0) (local.get $yi) (i32.lt_s (local.get $yi) (i32.const 0)))))
        (local.set $r1 (i32.add (local.get $yi) (i32.const 1)))
        (local.set $r1 (i32.mul (local.get $w)
          (select (i32.sub (local.get $h) (i32.const 1)) (local.get $r1)
            (i32.ge_s (local.get $r1) (local.get $h)))))
        ;; each sample's 4 bytes as i32 lanes (R, G, B, next byte)
        (local.set $a (i32x4.extend_low_i16x8_u (i16x8.extend_low_i8x16_u (v128.load32_zero align=1
          (i32.add (local.get $src) (i32.mul (i32.add (local.get $r0) (local.get $x0)) (i32.const 3)))))))
        (local.set $b (i32x4.extend_low_i16x8_u (i16x8.extend_low_i8x16_u (v128.load32_zero align=1
          (i32.add (local.get $src) (i32.mul (i32.add (local.get $r0) (local.get $x1)) (i32.const 3)))))))
        (local.set $d (i32x4.extend_low_i16x8_u (i16x8.extend_low_i8x16_u (v128.load32_zero align=1
          (i32.add (local.get $src) (i32.mul (i32.add (local.get $r1) (local.get $x0)) (i32.const 3)))))))
        (local.set $e (i32x4.extend_low_i16x8_u (i16x8.extend_low_i8x16_u (v128.load32_zero align=1
          (i32.add (local.get $src) (i32.mul (i32.add (local.get $r1) (local.get $x1)) (i32.const 3)))))))
        ;; lanes 2, 3 moved down: (B, next byte)
        (local.set $a2 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $a) (local.get $a)))
        (local.set $b2 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $b) (local.get $b)))
        (local.set $d2 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $d) (local.get $d)))
        (local.set $e2 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $e) (local.get $e)))
        ;; (R, G) then (B, ·) to f64 and blended
        (local.set $ca (f64x2.convert_low_i32x4_s (local.get $a)))
        (local.set $cd (f64x2.convert_low_i32x4_s (local.get $d)))
        (local.set $top (f64x2.add (local.get $ca) (f64x2.mul
          (f64x2.sub (f64x2.convert_low_i32x4_s (local.get $b)) (local.get $ca)) (local.get $fx))))
        (local.set $lo (f64x2.add (local.get $top) (f64x2.mul (f64x2.sub
          (f64x2.add (local.get $cd) (f64x2.mul
            (f64x2.sub (f64x2.convert_low_i32x4_s (local.get $e)) (local.get $cd)) (local.get $fx)))
          (local.get $top)) (local.get $fy))))
        (local.set $ca (f64x2.convert_low_i32x4_s (local.get $a2)))
        (local.set $cd (f64x2.convert_low_i32x4_s (local.get $d2)))
        (local.set $top (f64x2.add (local.get $ca)
          (f64x2.mul (f64x2.sub (f64x2.convert_low_i32x4_s (local.get $b2)) (local.get $ca))
            (local.get $fx))))
        (local.set $hi (f64x2.add (local.get $top) (f64x2.mul (f64x2.sub
          (f64x2.add (local.get $cd)
            (f64x2.mul (f64x2.sub (f64x2.convert_low_i32x4_s (local.get $e2)) (local.get $cd))
              (local.get $fx)))
          (local.get $top)) (local.get $fy))))
        (local.set $flo (f64x2.floor (local.get $lo)))
        (local.set $fhi (f64x2.floor (local.get $hi)))
        (local.set $lo (i32x4.trunc_sat_f64x2_s_zero (f64x2.add (local.get $flo)
          (v128.and (f64x2.ge (f64x2.sub (local.get $lo) (local.get $flo)) (v128.const f64x2 0.5 0.5))
            (v128.const f64x2 1 1)))))
        (local.set $hi (i32x4.trunc_sat_f64x2_s_zero (f64x2.add (local.get $fhi)
          (v128.and (f64x2.ge (f64x2.sub (local.get $hi) (local.get $fhi)) (v128.const f64x2 0.5 0.5))
            (v128.const f64x2 1 1)))))
        ;; three byte stores: V8 compiles a two-vector byte shuffle into the store far slower
        (i32.store8 (local.get $o) (i32x4.extract_lane 0 (local.get $lo)))
        (i32.store8 offset=1 (local.get $o) (i32x4.extract_lane 1 (local.get $lo)))
        (i32.store8 offset=2 (local.get $o) (i32x4.extract_lane 0 (local.get $hi))))))

  ;; `count` 3-channel pixels from (sx, sy) on, stepping by (ux, uy), all sampling strictly inside the
  ;; image (no bounds test or clamping); returns the position after the last step. Its own function so
  ;; that no call in the loop around it makes V8 spill the vector registers.
  (func $inside3
    (param $src i32) (param $w i32) (param $o i32) (param $count i32)
    (param $sx f64) (param $sy f64) (param $ux f64) (param $uy f64) (result f64 f64)
    (local $end i32) (local $p i32) (local $q i32) (local $w3 i32)
    (local $pos v128) (local $step v128) (local $floor v128) (local $frac v128) (local $xy v128)
    (local $fx v128) (local $fy v128) (local $a v128) (local $b v128) (local $d v128) (local $e v128)
    (local $lo v128) (local $hi v128) (local $flo v128) (local $fhi v128)
    (local $a2 v128) (local $b2 v128) (local $d2 v128) (local $e2 v128) (local $ca v128) (local $cd v128)
    (local $top v128)
    (local.set $w3 (i32.mul (local.get $w) (i32.const 3)))
    (local.set $end (i32.add (local.get $o) (i32.mul (local.get $count) (i32.const 3))))
    ;; (sx, sy) in one vector: lane-wise adds round as the scalar ones, and vector floor has no false
    ;; dependency on the previous pixel (scalar roundsd merges into its destination register)
    (local.set $pos (f64x2.replace_lane 1 (f64x2.splat (local.get $sx)) (local.get $sy)))
    (local.set $step (f64x2.replace_lane 1 (f64x2.splat (local.get $ux)) (local.get $uy)))
    (loop $pixels
      (local.set $floor (f64x2.floor (local.get $pos)))
      (local.set $frac (f64x2.sub (local.get $pos) (local.get $floor)))
      (local.set $fx (i8x16.shuffle 0 1 2 3 4 5 6 7 0 1 2 3 4 5 6 7 (local.get $frac) (local.get $frac)))
      (local.set $fy
        (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $frac) (local.get $frac)))
      ;; + 2^52 leaves each (non-negative) integer in the low 32 bits of its lane
      (local.set $xy (f64x2.add (local.get $floor) (v128.const f64x2 0x1p52 0x1p52)))
      (local.set $p (i32.add (local.get $src) (i32.mul (i32.const 3)
        (i32.add (i32.mul (i32x4.extract_lane 2 (local.get $xy)) (local.get $w))
          (i32x4.extract_lane 0 (local.get $xy))))))
      (local.set $q (i32.add (local.get $p) (local.get $w3)))
      ;; each sample's 4 bytes as i32 lanes (R, G, B, next byte)
      (local.set $a (i32x4.extend_low_i16x8_u (v128.load8x8_u align=1 (local.get $p))))
      (local.set $b (i32x4.extend_low_i16x8_u (v128.load8x8_u offset=3 align=1 (local.get $p))))
      (local.set $d (i32x4.extend_low_i16x8_u (v128.load8x8_u align=1 (local.get $q))))
      (local.set $e (i32x4.extend_low_i16x8_u (v128.load8x8_u offset=3 align=1 (local.get $q))))
      ;; lanes 2, 3 moved down: (B, next byte)
      (local.set $a2 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $a) (local.get $a)))
      (local.set $b2 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $b) (local.get $b)))
      (local.set $d2 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $d) (local.get $d)))
      (local.set $e2 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $e) (local.get $e)))
      ;; (R, G) then (B, ·) to f64 and blended
      (local.set $ca (f64x2.convert_low_i32x4_s (local.get $a)))
      (local.set $cd (f64x2.convert_low_i32x4_s (local.get $d)))
      (local.set $top (f64x2.add (local.get $ca) (f64x2.mul
        (f64x2.sub (f64x2.convert_low_i32x4_s (local.get $b)) (local.get $ca)) (local.get $fx))))
      (local.set $lo (f64x2.add (local.get $top) (f64x2.mul (f64x2.sub
        (f64x2.add (local.get $cd) (f64x2.mul
          (f64x2.sub (f64x2.convert_low_i32x4_s (local.get $e)) (local.get $cd)) (local.get $fx)))
        (local.get $top)) (local.get $fy))))
      (local.set $ca (f64x2.convert_low_i32x4_s (local.get $a2)))
      (local.set $cd (f64x2.convert_low_i32x4_s (local.get $d2)))
      (local.set $top (f64x2.add (local.get $ca)
        (f64x2.mul (f64x2.sub (f64x2.convert_low_i32x4_s (local.get $b2)) (local.get $ca))
          (local.get $fx))))
      (local.set $hi (f64x2.add (local.get $top) (f64x2.mul (f64x2.sub
        (f64x2.add (local.get $cd)
          (f64x2.mul (f64x2.sub (f64x2.convert_low_i32x4_s (local.get $e2)) (local.get $cd))
            (local.get $fx)))
        (local.get $top)) (local.get $fy))))
      ;; Math.round(x) = floor(x + (½ − 2^-54)) for 0 ≤ x < 2^52 (½ − 2^-54 is the double just below ½:
      ;; the sum only rounds up to the next integer when x's fraction is ≥ ½), then + 2^52 as above
      (local.set $lo (f64x2.add (v128.const f64x2 0x1p52 0x1p52)
        (f64x2.floor (f64x2.add (local.get $lo) (v128.const f64x2 0x1.fffffffffffffp-2 0x1.fffffffffffffp-2)))))
      (local.set $hi (f64x2.add (v128.const f64x2 0x1p52 0x1p52)
        (f64x2.floor (f64x2.add (local.get $hi) (v128.const f64x2 0x1.fffffffffffffp-2 0x1.fffffffffffffp-2)))))
      ;; three byte stores: V8 compiles a two-vector byte shuffle into the store far slower
      (i32.store8 (local.get $o) (i32x4.extract_lane 0 (local.get $lo)))
      (i32.store8 offset=1 (local.get $o) (i32x4.extract_lane 2 (local.get $lo)))
      (i32.store8 offset=2 (local.get $o) (i32x4.extract_lane 0 (local.get $hi)))
      (local.set $pos (f64x2.add (local.get $pos) (local.get $step)))
      (local.set $o (i32.add (local.get $o) (i32.const 3)))
      (br_if $pixels (i32.lt_u (local.get $o) (local.get $end))))
    (f64x2.extract_lane 0 (local.get $pos))
    (f64x2.extract_lane 1 (local.get $pos)))

  ;; 3 channels. Row v starts at (bx + vx·(v + ½), by + vy·(v + ½)) and steps by (ux, uy). Steps [uA, uB)
  ;; of a row, found per row with a 1/1000-pixel margin and one step to spare on each side (far more than
  ;; the drift of the repeated addition), sample strictly inside the image and go through $inside3; the
  ;; other steps through $pixel3.
  (func (export "warp3")
    (param $src i32) (param $w i32) (param $h i32) (param $out i32) (param $size i32)
    (param $bx f64) (param $by f64) (param $ux f64) (param $uy f64) (param $vx f64) (param $vy f64)
    (local $u i32) (local $v i32) (local $o i32) (local $uA i32) (local $uB i32)
    (local $sx f64) (local $sy f64) (local $xHi f64) (local $yHi f64)
    (local.set $xHi (f64.sub (f64.convert_i32_s (local.get $w)) (f64.const 1.001)))
    (local.set $yHi (f64.sub (f64.convert_i32_s (local.get $h)) (f64.const 1.001)))
    (local.set $o (local.get $out))
    (block $rowsDone
      (loop $rows
        (br_if $rowsDone (i32.ge_s (local.get $v) (local.get $size)))
        (local.set $sx (f64.add (local.get $bx)
          (f64.mul (local.get $vx) (f64.add (f64.convert_i32_s (local.get $v)) (f64.const 0.5)))))
        (local.set $sy (f64.add (local.get $by)
          (f64.mul (local.get $vy) (f64.add (f64.convert_i32_s (local.get $v)) (f64.const 0.5)))))
        (local.set $uA (i32.trunc_sat_f64_s (f64.min (f64.convert_i32_s (local.get $size)) (f64.max (f64.const 0)
          (f64.add (f64.ceil (f64.max
            (call $firstInside (local.get $sx) (local.get $ux) (f64.const 0.001) (local.get $xHi))
            (call $firstInside (local.get $sy) (local.get $uy) (f64.const 0.001) (local.get $yHi))))
            (f64.const 1))))))
        (local.set $uB (i32.trunc_sat_f64_s (f64.min (f64.convert_i32_s (local.get $size)) (f64.max (f64.const 0)
          (f64.floor (f64.min
            (call $lastInside (local.get $sx) (local.get $ux) (f64.const 0.001) (local.get $xHi))
            (call $lastInside (local.get $sy) (local.get $uy) (f64.const 0.001) (local.get $yHi))))))))
        (local.set $u (i32.const 0))
        (block $colsDone
          (loop $cols
            (br_if $colsDone (i32.ge_s (local.get $u) (local.get $size)))
            (if (i32.and (i32.eq (local.get $u) (local.get $uA)) (i32.lt_s (local.get $uA) (local.get $uB)))
              (then
                (call $inside3 (local.get $src) (local.get $w) (local.get $o)
                  (i32.sub (local.get $uB) (local.get $uA))
                  (local.get $sx) (local.get $sy) (local.get $ux) (local.get $uy))
                (local.set $sy)
                (local.set $sx)
                (local.set $o
                  (i32.add (local.get $o) (i32.mul (i32.const 3) (i32.sub (local.get $uB) (local.get $uA)))))
                (local.set $u (local.get $uB))
                (br $cols)))
            (call $pixel3
              (local.get $src) (local.get $w) (local.get $h) (local.get $o) (local.get $sx) (local.get $sy))
            (local.set $sx (f64.add (local.get $sx) (local.get $ux)))
            (local.set $sy (f64.add (local.get $sy) (local.get $uy)))
            (local.set $o (i32.add (local.get $o) (i32.const 3)))
            (local.set $u (i32.add (local.get $u) (i32.const 1)))
            (br $cols)))
        (local.set $v (i32.add (local.get $v) (i32.const 1)))
        (br $rows))))

  ;; Any channel count, one value at a time (grey images and the rare 2/4-channel ones).
  (func (export "warpAny")
    (param $src i32) (param $w i32) (param $h i32) (param $c i32) (param $out i32) (param $size i32)
    (param $bx f64) (param $by f64) (param $ux f64) (param $uy f64) (param $vx f64) (param $vy f64)
    (local $u i32) (local $v i32) (local $k i32) (local $o i32) (local $sx f64) (local $sy f64)
    (local $xEnd f64) (local $yEnd f64) (local $xf f64) (local $yf f64) (local $fx f64) (local $fy f64)
    (local $xi i32) (local $yi i32) (local $x0 i32) (local $x1 i32) (local $r0 i32) (local $r1 i32)
    (local $p00 i32) (local $p01 i32) (local $p10 i32) (local $p11 i32)
    (local $a f64) (local $top f64) (local $d f64) (local $bottom f64) (local $value f64) (local $floor f64)
    (local.set $xEnd (f64.sub (f64.convert_i32_s (local.get $w)) (f64.const 0.5)))
    (local.set $yEnd (f64.sub (f64.convert_i32_s (local.get $h)) (f64.const 0.5)))
    (local.set $o (local.get $out))
    (block $rowsDone
      (loop $rows
        (br_if $rowsDone (i32.ge_s (local.get $v) (local.get $size)))
        (local.set $sx (f64.add (local.get $bx)
          (f64.mul (local.get $vx) (f64.add (f64.convert_i32_s (local.get $v)) (f64.const 0.5)))))
        (local.set $sy (f64.add (local.get $by)
          (f64.mul (local.get $vy) (f64.add (f64.convert_i32_s (local.get $v)) (f64.const 0.5)))))
        (local.set $u (i32.const 0))
        (block $colsDone
          (loop $cols
            (br_if $colsDone (i32.ge_s (local.get $u) (local.get $size)))
            (if (i32.and
                  (i32.and (f64.ge (local.get $sx) (f64.const -0.5)) (f64.ge (local.get $sy) (f64.const -0.5)))
                  (i32.and (f64.lt (local.get $sx) (local.get $xEnd)) (f64.lt (local.get $sy) (local.get $yEnd))))
              (then
                (local.set $xf (f64.floor (local.get $sx)))
                (local.set $yf (f64.floor (local.get $sy)))
                (local.set $fx (f64.sub (local.get $sx) (local.get $xf)))
                (local.set $fy (f64.sub (local.get $sy) (local.get $yf)))
                (local.set $xi (i32.trunc_f64_s (local.get $xf)))
                (local.set $yi (i32.trunc_f64_s (local.get $yf)))
                (local.set $x0 (select (i32.const 0) (local.get $xi) (i32.lt_s (local.get $xi) (i32.const 0))))
                (local.set $x1 (i32.add (local.get $xi) (i32.const 1)))
                (local.set $x1 (select (i32.sub (local.get $w) (i32.const 1)) (local.get $x1)
                  (i32.ge_s (local.get $x1) (local.get $w))))
                (local.set $r0 (i32.mul (local.get $w)
                  (select (i32.const 0) (local.get $yi) (i32.lt_s (local.get $yi) (i32.const 0)))))
                (local.set $r1 (i32.add (local.get $yi) (i32.const 1)))
                (local.set $r1 (i32.mul (local.get $w)
                  (select (i32.sub (local.get $h) (i32.const 1)) (local.get $r1)
                    (i32.ge_s (local.get $r1) (local.get $h)))))
                (local.set $p00 (i32.add (local.get $src)
                  (i32.mul (i32.add (local.get $r0) (local.get $x0)) (local.get $c))))
                (local.set $p01 (i32.add (local.get $src)
                  (i32.mul (i32.add (local.get $r0) (local.get $x1)) (local.get $c))))
                (local.set $p10 (i32.add (local.get $src)
                  (i32.mul (i32.add (local.get $r1) (local.get $x0)) (local.get $c))))
                (local.set $p11 (i32.add (local.get $src)
                  (i32.mul (i32.add (local.get $r1) (local.get $x1)) (local.get $c))))
                (local.set $k (i32.const 0))
                (loop $channels
                  (local.set $a (f64.convert_i32_u (i32.load8_u (i32.add (local.get $p00) (local.get $k)))))
                  (local.set $top (f64.add (local.get $a) (f64.mul (f64.sub
                    (f64.convert_i32_u (i32.load8_u (i32.add (local.get $p01) (local.get $k)))) (local.get $a))
                    (local.get $fx))))
                  (local.set $d (f64.convert_i32_u (i32.load8_u (i32.add (local.get $p10) (local.get $k)))))
                  (local.set $bottom (f64.add (local.get $d) (f64.mul (f64.sub
                    (f64.convert_i32_u (i32.load8_u (i32.add (local.get $p11) (local.get $k)))) (local.get $d))
                    (local.get $fx))))
                  (local.set $value (f64.add (local.get $top)
                    (f64.mul (f64.sub (local.get $bottom) (local.get $top)) (local.get $fy))))
                  (local.set $floor (f64.floor (local.get $value)))
                  (i32.store8 (i32.add (local.get $o) (local.get $k))
                    (i32.add (i32.trunc_sat_f64_u (local.get $floor))
                      (f64.ge (f64.sub (local.get $value) (local.get $floor)) (f64.const 0.5))))
                  (local.set $k (i32.add (local.get $k) (i32.const 1)))
                  (br_if $channels (i32.lt_s (local.get $k) (local.get $c))))))
            (local.set $sx (f64.add (local.get $sx) (local.get $ux)))
            (local.set $sy (f64.add (local.get $sy) (local.get $uy)))
            (local.set $o (i32.add (local.get $o) (local.get $c)))
            (local.set $u (i32.add (local.get $u) (i32.const 1)))
            (br $cols)))
        (local.set $v (i32.add (local.get $v) (i32.const 1)))
        (br $rows))))

  ;; FFHQ soft border, pass 1 (see softenPadding in warp.ts): per channel, counts round(64·v) of
  ;; v = fround(img + (blurred − img)·a), a = clip(3·max(maskX[x], maskY[y]) + 1, 0, 1), into c histograms
  ;; of 16384 u32 bins. maskX, maskY are f64 arrays. A NaN weight (degenerate zero-width pad) counts
  ;; nothing, as a NaN index counts nothing in JavaScript.
  (func (export "softenHistogram")
    (param $img i32) (param $blurred i32) (param $w i32) (param $h i32) (param $c i32)
    (param $maskX i32) (param $maskY i32) (param $hist i32)
    (local $x i32) (local $y i32) (local $k i32) (local $i i32) (local $p i32) (local $src i32) (local $my f64)
    (local $a f64) (local $d f64) (local $t f64) (local $f f64)
    (block $rowsDone
      (loop $rows
        (br_if $rowsDone (i32.ge_s (local.get $y) (local.get $h)))
        (local.set $my (f64.load (i32.add (local.get $maskY) (i32.shl (local.get $y) (i32.const 3)))))
        (local.set $x (i32.const 0))
        (block $colsDone
          (loop $cols
            (br_if $colsDone (i32.ge_s (local.get $x) (local.get $w)))
            (local.set $a (f64.min (f64.max (f64.add (f64.mul (f64.const 3)
              (f64.max (f64.load (i32.add (local.get $maskX) (i32.shl (local.get $x) (i32.const 3))))
                (local.get $my)))
              (f64.const 1)) (f64.const 0)) (f64.const 1)))
            (local.set $k (i32.const 0))
            (if (i32.or (f64.eq (local.get $a) (f64.const 0)) (f64.eq (local.get $a) (f64.const 1)))
              (then
                ;; v is a byte: img's where a = 0, blurred's where a = 1 (d + (b − d) = b exactly)
                (local.set $src
                  (select (local.get $img) (local.get $blurred) (f64.eq (local.get $a) (f64.const 0))))
                (loop $plain
                  ;; hist + 4·(16384·k + 64·byte)
                  (local.set $p (i32.add (local.get $hist) (i32.shl (i32.add
                    (i32.shl (local.get $k) (i32.const 14))
                    (i32.shl (i32.load8_u (i32.add (local.get $src) (i32.add (local.get $i) (local.get $k))))
                      (i32.const 6)))
                    (i32.const 2))))
                  (i32.store (local.get $p) (i32.add (i32.load (local.get $p)) (i32.const 1)))
                  (local.set $k (i32.add (local.get $k) (i32.const 1)))
                  (br_if $plain (i32.lt_s (local.get $k) (local.get $c)))))
              (else
                (if (f64.eq (local.get $a) (local.get $a))
                  (then
                    (loop $blended
                      (local.set $p (i32.add (local.get $i) (local.get $k)))
                      (local.set $d (f64.convert_i32_u (i32.load8_u (i32.add (local.get $img) (local.get $p)))))
                      ;; t = 64·fround(d + (b − d)·a); bin = Math.round(t) clipped to [0, 16383]
                      (local.set $t (f64.mul (f64.const 64) (f64.promote_f32 (f32.demote_f64
                        (f64.add (local.get $d) (f64.mul (f64.sub
                          (f64.convert_i32_u (i32.load8_u (i32.add (local.get $blurred) (local.get $p))))
                          (local.get $d)) (local.get $a)))))))
                      (local.set $f (f64.floor (local.get $t)))
                      (local.set $t (f64.add (local.get $f)
                        (f64.convert_i32_u (f64.ge (f64.sub (local.get $t) (local.get $f)) (f64.const 0.5)))))
                      (local.set $p (i32.add (local.get $hist) (i32.shl (i32.add
                        (i32.shl (local.get $k) (i32.const 14))
                        (i32.trunc_sat_f64_s
                          (f64.min (f64.const 16383) (f64.max (f64.const 0) (local.get $t)))))
                        (i32.const 2))))
                      (i32.store (local.get $p) (i32.add (i32.load (local.get $p)) (i32.const 1)))
                      (local.set $k (i32.add (local.get $k) (i32.const 1)))
                      (br_if $blended (i32.lt_s (local.get $k) (local.get $c))))))))
            (local.set $i (i32.add (local.get $i) (local.get $c)))
            (local.set $x (i32.add (local.get $x) (i32.const 1)))
            (br $cols)))
        (local.set $y (i32.add (local.get $y) (i32.const 1)))
        (br $rows))))

  ;; Pass 2, in place on img, for pixels in columns [x0, x1) of rows [y0, y1): where the pass-1 weight a is
  ;; not 0, v = fround(img + (blurred − img)·a), then v = fround(v + (median − v)·fade) with
  ;; fade = clip(mask, 0, 1) unless that is 0, stored as clip(round(v), 0, 255) (NaN → 0). medians is an
  ;; f64 array of c values.
  (func (export "softenApply")
    (param $img i32) (param $blurred i32) (param $w i32) (param $c i32)
    (param $maskX i32) (param $maskY i32) (param $medians i32)
    (param $x0 i32) (param $y0 i32) (param $x1 i32) (param $y1 i32)
    (local $x i32) (local $y i32) (local $k i32) (local $i i32) (local $my f64) (local $m f64)
    (local $a f64) (local $fade f64) (local $d f64) (local $v f64) (local $f f64)
    (local.set $y (local.get $y0))
    (block $rowsDone
      (loop $rows
        (br_if $rowsDone (i32.ge_s (local.get $y) (local.get $y1)))
        (local.set $my (f64.load (i32.add (local.get $maskY) (i32.shl (local.get $y) (i32.const 3)))))
        (local.set $x (local.get $x0))
        (local.set $i
          (i32.mul (i32.add (i32.mul (local.get $y) (local.get $w)) (local.get $x0)) (local.get $c)))
        (block $colsDone
          (loop $cols
            (br_if $colsDone (i32.ge_s (local.get $x) (local.get $x1)))
            (local.set $m (f64.max
              (f64.load (i32.add (local.get $maskX) (i32.shl (local.get $x) (i32.const 3))))
              (local.get $my)))
            (local.set $a (f64.min (f64.max (f64.add (f64.mul (local.get $m) (f64.const 3)) (f64.const 1))
              (f64.const 0)) (f64.const 1)))
            (if (f64.ne (local.get $a) (f64.const 0))
              (then
                (local.set $fade (f64.min (f64.max (local.get $m) (f64.const 0)) (f64.const 1)))
                (local.set $k (i32.const 0))
                (loop $channels
                  (local.set $d (f64.convert_i32_u
                    (i32.load8_u (i32.add (local.get $img) (i32.add (local.get $i) (local.get $k))))))
                  (local.set $v (f64.promote_f32 (f32.demote_f64 (f64.add (local.get $d) (f64.mul (f64.sub
                    (f64.convert_i32_u
                      (i32.load8_u (i32.add (local.get $blurred) (i32.add (local.get $i) (local.get $k)))))
                    (local.get $d)) (local.get $a))))))
                  (if (f64.ne (local.get $fade) (f64.const 0))
                    (then
                      (local.set $v (f64.promote_f32 (f32.demote_f64 (f64.add (local.get $v) (f64.mul (f64.sub
                        (f64.load (i32.add (local.get $medians) (i32.shl (local.get $k) (i32.const 3))))
                        (local.get $v)) (local.get $fade))))))))
                  ;; Math.round, then clip to bytes
                  (local.set $f (f64.floor (local.get $v)))
                  (local.set $v (f64.add (local.get $f)
                    (f64.convert_i32_u (f64.ge (f64.sub (local.get $v) (local.get $f)) (f64.const 0.5)))))
                  (i32.store8 (i32.add (local.get $img) (i32.add (local.get $i) (local.get $k)))
                    (i32.trunc_sat_f64_s (f64.min (f64.max (local.get $v) (f64.const 0)) (f64.const 255))))
                  (local.set $k (i32.add (local.get $k) (i32.const 1)))
                  (br_if $channels (i32.lt_s (local.get $k) (local.get $c))))))
            (local.set $i (i32.add (local.get $i) (local.get $c)))
            (local.set $x (i32.add (local.get $x) (i32.const 1)))
            (br $cols)))
        (local.set $y (i32.add (local.get $y) (i32.const 1)))
        (br $rows)))))
