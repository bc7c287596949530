import type * as tfjs from '@tensorflow/tfjs';
import type { Sfc32 } from '@portrait-forge/random';

/**
 * DiffAugment (Zhao et al. 2020, mit-han-lab/data-efficient-gans DiffAugment_pytorch.py), policy
 * `color,translation,cutout`: applied to every image D sees, reals and fakes alike, built from
 * differentiable tf ops so G's gradient flows through it. Shapes are unchanged. NHWC here where the
 * reference is NCHW; the random draws come from the run's checkpointed augmentation stream.
 */
export const DIFFAUG_OPS = ['color', 'translation', 'cutout'] as const;
export type DiffAugOp = (typeof DIFFAUG_OPS)[number];

/** The reference's defaults: translation up to 1/8 of the side, cutout of half the side. */
const TRANSLATION_RATIO = 0.125;
const CUTOUT_RATIO = 0.5;

const uniforms = (rng: Sfc32, n: number): Float32Array =>
  Float32Array.from({ length: n }, () => rng.uniform());
/** torch.randint(lo, hi) → an integer in [lo, hi). */
const randint = (rng: Sfc32, lo: number, hi: number): number => lo + Math.floor(rng.uniform() * (hi - lo));

/** rand_brightness, rand_saturation, rand_contrast: per-image factors. */
export function randColor(tf: typeof tfjs, x: tfjs.Tensor4D, rng: Sfc32): tfjs.Tensor4D {
  const n = x.shape[0];
  const perImage = (values: Float32Array) => tf.tensor4d(values, [n, 1, 1, 1]);
  return tf.tidy(() => {
    const brightness = perImage(uniforms(rng, n).map((u) => u - 0.5));
    let y = tf.add(x, brightness) as tfjs.Tensor4D;
    const saturation = perImage(uniforms(rng, n).map((u) => u * 2));
    const channelMean = tf.mean(y, 3, true);
    y = tf.add(tf.mul(tf.sub(y, channelMean), saturation), channelMean) as tfjs.Tensor4D;
    const contrast = perImage(uniforms(rng, n).map((u) => u + 0.5));
    const imageMean = tf.mean(y, [1, 2, 3], true);
    return tf.add(tf.mul(tf.sub(y, imageMean), contrast), imageMean) as tfjs.Tensor4D;
  });
}

/** rand_translation: each image shifted by up to ratio·side pixels in x and y, zero-filled. */
export function randTranslation(
  tf: typeof tfjs,
  x: tfjs.Tensor4D,
  rng: Sfc32,
  ratio = TRANSLATION_RATIO,
): tfjs.Tensor4D {
  const [n, h, w, c] = x.shape;
  const sy = Math.floor(h * ratio + 0.5);
  const sx = Math.floor(w * ratio + 0.5);
  const shifts = Array.from({ length: n }, () => [randint(rng, -sx, sx + 1), randint(rng, -sy, sy + 1)]);
  return tf.tidy(() => {
    const padded = tf.pad(x, [
      [0, 0],
      [sy, sy],
      [sx, sx],
      [0, 0],
    ]);
    const images = shifts.map(([tx, ty], i) => tf.slice(padded, [i, sy + ty, sx + tx, 0], [1, h, w, c]));
    return tf.concat(images, 0) as tfjs.Tensor4D;
  });
}

/** rand_cutout: one zeroed square of ratio·side per image, centred anywhere (it may overhang the border). */
export function randCutout(
  tf: typeof tfjs,
  x: tfjs.Tensor4D,
  rng: Sfc32,
  ratio = CUTOUT_RATIO,
): tfjs.Tensor4D {
  const [n, h, w] = x.shape;
  const ch = Math.floor(h * ratio + 0.5);
  const cw = Math.floor(w * ratio + 0.5);
  const mask = new Float32Array(n * h * w).fill(1);
  for (let i = 0; i < n; i++) {
    // The reference: offset in [0, side + (1 − size % 2)), box = offset − size//2 … + size.
    const oy = randint(rng, 0, h + (1 - (ch % 2))) - Math.floor(ch / 2);
    const ox = randint(rng, 0, w + (1 - (cw % 2))) - Math.floor(cw / 2);
    for (let y = Math.max(oy, 0); y < Math.min(oy + ch, h); y++)
      for (let xx = Math.max(ox, 0); xx < Math.min(ox + cw, w); xx++) mask[(i * h + y) * w + xx] = 0;
  }
  return tf.tidy(() => tf.mul(x, tf.tensor4d(mask, [n, h, w, 1])) as tfjs.Tensor4D);
}

const OPS: Record<DiffAugOp, (tf: typeof tfjs, x: tfjs.Tensor4D, rng: Sfc32) => tfjs.Tensor4D> = {
  color: randColor,
  translation: randTranslation,
  cutout: randCutout,
};

/** DiffAugment(x, policy) with the given ops in the reference's order. */
export function diffAugment(
  tf: typeof tfjs,
  x: tfjs.Tensor4D,
  rng: Sfc32,
  ops: readonly DiffAugOp[] = DIFFAUG_OPS,
): tfjs.Tensor4D {
  return tf.tidy(() => ops.reduce((y, op) => OPS[op](tf, y, rng), x));
}
