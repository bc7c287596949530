import type * as tfjs from '@tensorflow/tfjs';
import type { Sfc32 } from '@portrait-forge/random';

/**
 * ADA's augmentation pipeline (Karras et al. 2020, NVlabs `training/augment.py`, pipe `bgc`): pixel
 * blitting (x-flip, 90° rotations, integer translation), general geometric transforms (isotropic
 * scaling, pre/post rotation, anisotropic scaling, fractional translation) and colour transforms
 * (brightness, contrast, luma flip, hue, saturation), each applied with probability p × its multiplier.
 * Every random number comes from the injected `Sfc32`, so a resumed run augments identically.
 *
 * Differences from NVlabs, on purpose: the geometric transform is resampled bilinearly with reflected
 * borders in one pass (NVlabs upsamples ×2 with a wavelet filter first to reduce aliasing).
 */
export interface AugmentSpec {
  xflip: number;
  rotate90: number;
  xint: number;
  xintMax: number;
  scale: number;
  rotate: number;
  aniso: number;
  xfrac: number;
  scaleStd: number;
  rotateMax: number;
  anisoStd: number;
  xfracStd: number;
  brightness: number;
  contrast: number;
  lumaflip: number;
  hue: number;
  saturation: number;
  brightnessStd: number;
  contrastStd: number;
  hueMax: number;
  saturationStd: number;
}

/** NVlabs' `bgc` pipe: blit + geometric + colour, all multipliers 1, default ranges. */
export const BGC: AugmentSpec = {
  xflip: 1,
  rotate90: 1,
  xint: 1,
  xintMax: 0.125,
  scale: 1,
  rotate: 1,
  aniso: 1,
  xfrac: 1,
  scaleStd: 0.2,
  rotateMax: 1,
  anisoStd: 0.2,
  xfracStd: 0.125,
  brightness: 1,
  contrast: 1,
  lumaflip: 1,
  hue: 1,
  saturation: 1,
  brightnessStd: 0.2,
  contrastStd: 0.5,
  hueMax: 1,
  saturationStd: 1,
};

export type Mat3 = number[]; // row-major 3×3
export type Mat4 = number[]; // row-major 4×4

export function matmul(a: number[], b: number[], n: number): number[] {
  const out = new Array<number>(n * n).fill(0);
  for (let i = 0; i < n; i++)
    for (let k = 0; k < n; k++) {
      const aik = a[i * n + k];
      if (aik === 0) continue;
      for (let j = 0; j < n; j++) out[i * n + j] += aik * b[k * n + j];
    }
  return out;
}

const eye = (n: number): number[] => Array.from({ length: n * n }, (_, i) => (i % (n + 1) === 0 ? 1 : 0));
const scale2dInv = (sx: number, sy: number): Mat3 => [1 / sx, 0, 0, 0, 1 / sy, 0, 0, 0, 1];
const translate2dInv = (tx: number, ty: number): Mat3 => [1, 0, -tx, 0, 1, -ty, 0, 0, 1];
const rotate2dInv = (theta: number): Mat3 => {
  const c = Math.cos(-theta);
  const s = Math.sin(-theta);
  return [c, -s, 0, s, c, 0, 0, 0, 1];
};

/** Draws the inverse geometric transform (output pixel → input pixel, centred coordinates) for one image. */
export function sampleGeometry(
  spec: AugmentSpec,
  p: number,
  width: number,
  height: number,
  rng: Sfc32,
): Mat3 {
  let G = eye(3);
  const chance = (mult: number): boolean => rng.uniform() < mult * p;
  if (spec.xflip > 0) {
    const i = Math.floor(rng.uniform() * 2);
    G = matmul(G, scale2dInv(chance(spec.xflip) ? 1 - 2 * i : 1, 1), 3);
  }
  if (spec.rotate90 > 0) {
    const i = Math.floor(rng.uniform() * 4);
    G = matmul(G, rotate2dInv((-Math.PI / 2) * (chance(spec.rotate90) ? i : 0)), 3);
  }
  if (spec.xint > 0) {
    const tx = (rng.uniform() * 2 - 1) * spec.xintMax;
    const ty = (rng.uniform() * 2 - 1) * spec.xintMax;
    const on = chance(spec.xint);
    G = matmul(G, translate2dInv(on ? Math.round(tx * width) : 0, on ? Math.round(ty * height) : 0), 3);
  }
  if (spec.scale > 0) {
    const s = 2 ** (rng.normal() * spec.scaleStd);
    const v = chance(spec.scale) ? s : 1;
    G = matmul(G, scale2dInv(v, v), 3);
  }
  const pRot = 1 - Math.sqrt(Math.min(Math.max(1 - spec.rotate * p, 0), 1)); // P(pre OR post) = p
  const rotation = (): number => {
    const theta = (rng.uniform() * 2 - 1) * Math.PI * spec.rotateMax;
    return rng.uniform() < pRot ? theta : 0;
  };
  if (spec.rotate > 0) G = matmul(G, rotate2dInv(-rotation()), 3);
  if (spec.aniso > 0) {
    const s = 2 ** (rng.normal() * spec.anisoStd);
    const v = chance(spec.aniso) ? s : 1;
    G = matmul(G, scale2dInv(v, 1 / v), 3);
  }
  if (spec.rotate > 0) G = matmul(G, rotate2dInv(-rotation()), 3);
  if (spec.xfrac > 0) {
    const tx = rng.normal() * spec.xfracStd;
    const ty = rng.normal() * spec.xfracStd;
    const on = chance(spec.xfrac);
    G = matmul(G, translate2dInv(on ? tx * width : 0, on ? ty * height : 0), 3);
  }
  return G;
}

const LUMA = [1, 1, 1, 0].map((v) => v / Math.sqrt(3));

function outerLuma(): number[] {
  return Array.from({ length: 16 }, (_, k) => LUMA[Math.floor(k / 4)] * LUMA[k % 4]);
}

/** Rodrigues rotation about the luma axis, as NVlabs' rotate3d(v, theta). */
function rotateAboutLuma(theta: number): Mat4 {
  const [vx, vy, vz] = LUMA;
  const s = Math.sin(theta);
  const c = Math.cos(theta);
  const cc = 1 - c;
  return [
    vx * vx * cc + c,
    vx * vy * cc - vz * s,
    vx * vz * cc + vy * s,
    0,
    vy * vx * cc + vz * s,
    vy * vy * cc + c,
    vy * vz * cc - vx * s,
    0,
    vz * vx * cc - vy * s,
    vz * vy * cc + vx * s,
    vz * vz * cc + c,
    0,
    0,
    0,
    0,
    1,
  ];
}

/** Draws the 4×4 homogeneous colour transform for one image. */
export function sampleColour(spec: AugmentSpec, p: number, channels: number, rng: Sfc32): Mat4 {
  let C = eye(4);
  const chance = (mult: number): boolean => rng.uniform() < mult * p;
  if (spec.brightness > 0) {
    const b0 = rng.normal() * spec.brightnessStd;
    const b = chance(spec.brightness) ? b0 : 0;
    C = matmul([1, 0, 0, b, 0, 1, 0, b, 0, 0, 1, b, 0, 0, 0, 1], C, 4);
  }
  if (spec.contrast > 0) {
    const c0 = 2 ** (rng.normal() * spec.contrastStd);
    const c = chance(spec.contrast) ? c0 : 1;
    C = matmul([c, 0, 0, 0, 0, c, 0, 0, 0, 0, c, 0, 0, 0, 0, 1], C, 4);
  }
  const vv = outerLuma();
  if (spec.lumaflip > 0) {
    const i0 = Math.floor(rng.uniform() * 2);
    const i = chance(spec.lumaflip) ? i0 : 0;
    C = matmul(
      eye(4).map((e, k) => e - 2 * vv[k] * i),
      C,
      4,
    );
  }
  if (spec.hue > 0 && channels > 1) {
    const t0 = (rng.uniform() * 2 - 1) * Math.PI * spec.hueMax;
    C = matmul(rotateAboutLuma(chance(spec.hue) ? t0 : 0), C, 4);
  }
  if (spec.saturation > 0 && channels > 1) {
    const s0 = 2 ** (rng.normal() * spec.saturationStd);
    const s = chance(spec.saturation) ? s0 : 1;
    C = matmul(
      eye(4).map((e, k) => vv[k] + (e - vv[k]) * s),
      C,
      4,
    );
  }
  return C;
}

function reflect(v: number, n: number): number {
  if (n === 1) return 0;
  const period = 2 * (n - 1);
  let m = Math.abs(v) % period;
  if (m > n - 1) m = period - m;
  return m;
}

/**
 * Bilinear sampling table for the batch: for each output pixel, 4 source indices into the flattened
 * [N·H·W] pixel axis and their weights. Borders reflect, as NVlabs pads with mode='reflect'.
 */
export function samplingTable(
  mats: Mat3[],
  width: number,
  height: number,
): { index: Int32Array; weight: Float32Array } {
  const n = mats.length;
  const pixels = width * height;
  const index = new Int32Array(n * pixels * 4);
  const weight = new Float32Array(n * pixels * 4);
  const cx = (width - 1) / 2;
  const cy = (height - 1) / 2;
  for (let b = 0; b < n; b++) {
    const G = mats[b];
    const base = b * pixels;
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++) {
        const u = x - cx;
        const v = y - cy;
        const sx = reflect(G[0] * u + G[1] * v + G[2] + cx, width);
        const sy = reflect(G[3] * u + G[4] * v + G[5] + cy, height);
        const x0 = Math.floor(sx);
        const y0 = Math.floor(sy);
        const x1 = Math.min(x0 + 1, width - 1);
        const y1 = Math.min(y0 + 1, height - 1);
        const fx = sx - x0;
        const fy = sy - y0;
        const k = (base + y * width + x) * 4;
        index[k] = base + y0 * width + x0;
        index[k + 1] = base + y0 * width + x1;
        index[k + 2] = base + y1 * width + x0;
        index[k + 3] = base + y1 * width + x1;
        weight[k] = (1 - fx) * (1 - fy);
        weight[k + 1] = fx * (1 - fy);
        weight[k + 2] = (1 - fx) * fy;
        weight[k + 3] = fx * fy;
      }
  }
  return { index, weight };
}

function isIdentity(m: number[], n: number): boolean {
  return m.every((v, k) => Math.abs(v - (k % (n + 1) === 0 ? 1 : 0)) < 1e-12);
}

/**
 * Resamples images [N,H,W,C] through the table: y = R·x with R sparse (4 taps per output pixel). The
 * gradient is Rᵀ·dy (scatter-add) and the gradient of that is R again, written as a pair of custom
 * gradients so R1 through the augmentation (a double backward) works on wasm, whose gather gradient
 * would need the missing UnsortedSegmentSum kernel.
 */
function resample(
  tf: typeof tfjs,
  images: tfjs.Tensor4D,
  table: { index: Int32Array; weight: Float32Array },
) {
  const [n, h, w, c] = images.shape;
  const rows = n * h * w;
  const apply = (x: tfjs.Tensor): tfjs.Tensor =>
    tf.tidy(() =>
      tf
        .gather(x.reshape([rows, c]), tf.tensor1d(table.index, 'int32'))
        .reshape([rows, 4, c])
        .mul(tf.tensor3d(table.weight, [rows, 4, 1]))
        .sum(1)
        .reshape([n, h, w, c]),
    );
  const applyTransposed = (dy: tfjs.Tensor): tfjs.Tensor =>
    tf.tidy(() => {
      const spread = dy
        .reshape([rows, 1, c])
        .mul(tf.tensor3d(table.weight, [rows, 4, 1]))
        .reshape([rows * 4, c]);
      return tf
        .scatterND(tf.tensor2d(table.index, [rows * 4, 1], 'int32'), spread, [rows, c])
        .reshape([n, h, w, c]);
    });
  // eslint-disable-next-line prefer-const
  let forward: (x: tfjs.Tensor) => tfjs.Tensor;
  const transposed = tf.customGrad((dy) => ({
    value: applyTransposed(dy as tfjs.Tensor),
    gradFunc: (ddx: tfjs.Tensor) => forward(ddx),
  }));
  forward = tf.customGrad((x) => ({
    value: apply(x as tfjs.Tensor),
    gradFunc: (dy: tfjs.Tensor) => transposed(dy),
  }));
  return forward(images) as tfjs.Tensor4D;
}

/** Applies per-image colour matrices to images in [-1, 1]; grayscale uses NVlabs' channel-mean form. */
function applyColour(tf: typeof tfjs, images: tfjs.Tensor4D, mats: Mat4[]): tfjs.Tensor4D {
  const [n, h, w, c] = images.shape;
  return tf.tidy(() => {
    if (c === 3) {
      // out[p] = M·x[p] + t  →  x [n, hw, 3] @ Mᵀ [n, 3, 3]
      const mt = new Float32Array(n * 9);
      const t = new Float32Array(n * 3);
      mats.forEach((m, b) => {
        for (let i = 0; i < 3; i++) {
          for (let j = 0; j < 3; j++) mt[b * 9 + j * 3 + i] = m[i * 4 + j];
          t[b * 3 + i] = m[i * 4 + 3];
        }
      });
      const x = images.reshape([n, h * w, 3]);
      return tf
        .matMul(x, tf.tensor3d(mt, [n, 3, 3]))
        .add(tf.tensor3d(t, [n, 1, 3]))
        .reshape([n, h, w, c]);
    }
    const gain = new Float32Array(n);
    const bias = new Float32Array(n);
    mats.forEach((m, b) => {
      let g = 0;
      let o = 0;
      for (let i = 0; i < 3; i++) {
        g += (m[i * 4] + m[i * 4 + 1] + m[i * 4 + 2]) / 3;
        o += m[i * 4 + 3] / 3;
      }
      gain[b] = g;
      bias[b] = o;
    });
    return images.mul(tf.tensor4d(gain, [n, 1, 1, 1])).add(tf.tensor4d(bias, [n, 1, 1, 1]));
  });
}

/** Augments a batch [N,H,W,C] in [-1, 1] with strength p; differentiable with respect to the images. */
export function augmentBatch(
  tf: typeof tfjs,
  images: tfjs.Tensor4D,
  p: number,
  rng: Sfc32,
  spec: AugmentSpec = BGC,
): tfjs.Tensor4D {
  if (p <= 0) return images;
  const [n, h, w, c] = images.shape;
  const geom = Array.from({ length: n }, () => sampleGeometry(spec, p, w, h, rng));
  const colour = Array.from({ length: n }, () => sampleColour(spec, p, c, rng));
  let out = images;
  if (!geom.every((m) => isIdentity(m, 3))) out = resample(tf, out, samplingTable(geom, w, h));
  if (!colour.every((m) => isIdentity(m, 4))) out = applyColour(tf, out, colour);
  return out;
}
