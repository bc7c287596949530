import type * as tfjs from '@tensorflow/tfjs';
import { initTf } from '@portrait-forge/tf-runtime';
import { BGC, augmentBatch, type AugmentSpec } from './augment';
import { Sfc32 } from '@portrait-forge/random';

const NONE: AugmentSpec = Object.fromEntries(
  Object.entries(BGC).map(([k, v]) => [k, /Std$|Max$/.test(k) ? v : 0]),
) as unknown as AugmentSpec;

let tf: typeof tfjs;
beforeAll(async () => {
  ({ tf } = await initTf({ backend: 'wasm', log: () => undefined }));
});

function ramp(n: number, h: number, w: number): tfjs.Tensor4D {
  return tf.tensor4d(
    Float32Array.from({ length: n * h * w }, (_, i) => (i % 97) / 50 - 1),
    [n, h, w, 1],
  );
}

describe('ADA augment pipe', () => {
  it('is the identity at p = 0', () => {
    const x = ramp(2, 6, 6);
    expect(augmentBatch(tf, x, 0, new Sfc32(1))).toBe(x);
  });

  it('x-flip and 90° rotations move pixels exactly', () => {
    const x = ramp(8, 5, 5);
    const xs = x.arraySync();
    const flipped = augmentBatch(tf, x, 1, new Sfc32(3), { ...NONE, xflip: 1 }).arraySync();
    let flips = 0;
    flipped.forEach((img, b) => {
      const mirror = xs[b].map((row) => [...row].reverse());
      const same = JSON.stringify(img.map((r) => r.map((v) => [Number(v[0].toFixed(5))])));
      if (same === JSON.stringify(mirror.map((r) => r.map((v) => [Number(v[0].toFixed(5))])))) flips++;
      else expect(same).toBe(JSON.stringify(xs[b].map((r) => r.map((v) => [Number(v[0].toFixed(5))]))));
    });
    expect(flips).toBeGreaterThan(0);
    const rotated = augmentBatch(tf, x, 1, new Sfc32(4), { ...NONE, rotate90: 1 }).arraySync();
    rotated.forEach((img, b) => {
      // every output pixel value exists in the input image (pure permutation of pixels)
      const src = new Set(xs[b].flat(2).map((v) => v.toFixed(5)));
      img.flat(2).forEach((v) => expect(src.has(v.toFixed(5))).toBe(true));
    });
  });

  it('brightness on grayscale shifts each image by one constant', () => {
    const x = ramp(4, 4, 4);
    const y = augmentBatch(tf, x, 1, new Sfc32(5), { ...NONE, brightness: 1 });
    const d = (y.sub(x) as tfjs.Tensor4D).arraySync();
    for (const img of d) {
      const vals = img.flat(2);
      vals.forEach((v: number) => expect(v).toBeCloseTo(vals[0], 5));
    }
  });

  it('geometric resampling has the exact transpose as gradient, and R again as second derivative (R1 through ADA)', () => {
    const spec: AugmentSpec = { ...NONE, scale: 1, rotate: 1, xfrac: 1 };
    const x = ramp(2, 6, 6);
    const y = tf.randomNormal([2, 6, 6, 1], 0, 1, 'float32', 7) as tfjs.Tensor4D;
    const v = tf.randomNormal([2, 6, 6, 1], 0, 1, 'float32', 8) as tfjs.Tensor4D;
    const R = (t: tfjs.Tensor4D): tfjs.Tensor4D => augmentBatch(tf, t, 1, new Sfc32(11), spec);
    // <R x, y> = <x, Rᵀ y> with Rᵀ y = ∂/∂x Σ R(x)·y
    const Rty = tf.grad((t) => tf.sum(tf.mul(R(t as tfjs.Tensor4D), y)))(x);
    expect(tf.sum(tf.mul(R(x), y)).dataSync()[0]).toBeCloseTo(tf.sum(tf.mul(x, Rty)).dataSync()[0], 3);
    // ∂/∂y <Rᵀ y, v> = R v: the double backward R1 needs.
    const g = tf.grad((yy) =>
      tf.sum(tf.mul(tf.grad((t) => tf.sum(tf.mul(R(t as tfjs.Tensor4D), yy)))(x), v)),
    )(y);
    const Rv = R(v);
    const diff = tf.max(tf.abs(tf.sub(g, Rv))).dataSync()[0];
    expect(diff).toBeLessThan(1e-5);
    expect(tf.max(tf.abs(tf.sub(Rv, v))).dataSync()[0]).toBeGreaterThan(1e-3); // not the identity
  });
});
