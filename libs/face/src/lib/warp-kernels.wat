;; FFHQ quad warp (bilinear, PIL QUAD semantics), WebAssembly SIMD128. Compiled to warp-kernels.wasm by
;; tools/scripts/build-brisque-wasm.ts.
;;
;; Bit-identical to the JavaScript it replaced (kept in warp.spec.ts): the sample position advances by
;; repeated f64 addition along a row, every blend is computed in f64 in the same order
;; (top = a + (b − a)·fx, bottom = d + (e − d)·fx, top + (bottom − top)·fy), and rounding is
;; Math.round's (floor, +1 when the fraction is ≥ ½). Wasm has no implicit FMA, so each step rounds
;; exactly as V8 does. Output pixels whose sample falls off the image are left at 0: the caller
;; zeroes the output first. Addresses are byte offsets into the exported memory; the source and
;; output have ≥ 16 bytes of slack, since a 3-channel pixel is read and written as 4 bytes.
(module
  (memory (export "memory") 1)

  ;; 3 channels: one pixel per step, lanes (R, G) and (B, 0) of two f64x2 vectors.
  ;; Row v starts at (bx + vx·(v + ½), by + vy·(v + ½)) and steps by (ux, uy).
  (func (export "warp3")
    (param $src i32) (param $w i32) (param $h i32) (param $out i32) (param $size i32)
    (param $bx f64) (param $by f64) (param $ux f64) (param $uy f64) (param $vx f64) (param $vy f64)
    (local $u i32) (local $v i32) (local $o i32) (local $sx f64) (local $sy f64)
    (local $xEnd f64) (local $yEnd f64) (local $xf f64) (local $yf f64) (local $xi i32) (local $yi i32)
    (local $x0 i32) (local $x1 i32) (local $r0 i32) (local $r1 i32)
    (local $fx v128) (local $fy v128) (local $a v128) (local $b v128) (local $d v128) (local $e v128)
    (local $lo v128) (local $hi v128) (local $flo v128) (local $fhi v128)
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
                (local.set $a (v128.load32_zero align=1 (i32.add (local.get $src)
                  (i32.mul (i32.add (local.get $r0) (local.get $x0)) (i32.const 3)))))
                (local.set $b (v128.load32_zero align=1 (i32.add (local.get $src)
                  (i32.mul (i32.add (local.get $r0) (local.get $x1)) (i32.const 3)))))
                (local.set $d (v128.load32_zero align=1 (i32.add (local.get $src)
                  (i32.mul (i32.add (local.get $r1) (local.get $x0)) (i32.const 3)))))
                (local.set $e (v128.load32_zero align=1 (i32.add (local.get $src)
                  (i32.mul (i32.add (local.get $r1) (local.get $x1)) (i32.const 3)))))
                ;; (R, G): bytes 0, 1 widened to i32 lanes 0, 1, then to f64
                (local.set $lo (call $blend
                  (call $low2 (local.get $a)) (call $low2 (local.get $b))
                  (call $low2 (local.get $d)) (call $low2 (local.get $e)) (local.get $fx) (local.get $fy)))
                (local.set $hi (call $blend
                  (call $third (local.get $a)) (call $third (local.get $b))
                  (call $third (local.get $d)) (call $third (local.get $e)) (local.get $fx) (local.get $fy)))
                (local.set $flo (f64x2.floor (local.get $lo)))
                (local.set $fhi (f64x2.floor (local.get $hi)))
                (local.set $lo (i32x4.trunc_sat_f64x2_u_zero (f64x2.add (local.get $flo)
                  (v128.and (f64x2.ge (f64x2.sub (local.get $lo) (local.get $flo)) (v128.const f64x2 0.5 0.5))
                    (v128.const f64x2 1 1)))))
                (local.set $hi (i32x4.trunc_sat_f64x2_u_zero (f64x2.add (local.get $fhi)
                  (v128.and (f64x2.ge (f64x2.sub (local.get $hi) (local.get $fhi)) (v128.const f64x2 0.5 0.5))
                    (v128.const f64x2 1 1)))))
                ;; bytes R, G, B, 0 (the 0 lands on the next pixel's R, which is written after)
                (v128.store32_lane align=1 0 (local.get $o)
                  (i8x16.shuffle 0 4 16 24 0 0 0 0 0 0 0 0 0 0 0 0 (local.get $lo) (local.get $hi)))))
            (local.set $sx (f64.add (local.get $sx) (local.get $ux)))
            (local.set $sy (f64.add (local.get $sy) (local.get $uy)))
            (local.set $o (i32.add (local.get $o) (i32.const 3)))
            (local.set $u (i32.add (local.get $u) (i32.const 1)))
            (br $cols)))
        (local.set $v (i32.add (local.get $v) (i32.const 1)))
        (br $rows))))

  (func $low2 (param $p v128) (result v128)
    (f64x2.convert_low_i32x4_u
      (i8x16.shuffle 0 16 16 16 1 16 16 16 16 16 16 16 16 16 16 16 (local.get $p) (v128.const i64x2 0 0))))

  (func $third (param $p v128) (result v128)
    (f64x2.convert_low_i32x4_u
      (i8x16.shuffle 2 16 16 16 16 16 16 16 16 16 16 16 16 16 16 16 (local.get $p) (v128.const i64x2 0 0))))

  (func $blend (param $a v128) (param $b v128) (param $d v128) (param $e v128) (param $fx v128) (param $fy v128)
    (result v128)
    (local $top v128)
    (local.set $top (f64x2.add (local.get $a) (f64x2.mul (f64x2.sub (local.get $b) (local.get $a)) (local.get $fx))))
    (f64x2.add (local.get $top)
      (f64x2.mul
        (f64x2.sub
          (f64x2.add (local.get $d) (f64x2.mul (f64x2.sub (local.get $e) (local.get $d)) (local.get $fx)))
          (local.get $top))
        (local.get $fy))))

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
        (br $rows)))))
