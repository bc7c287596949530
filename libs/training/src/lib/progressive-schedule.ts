import * as tf from '@tensorflow/tfjs';
import { boxDownsample, nearestUpsample, type StyleGAN2Config } from '@portrait-forge/stylegan2';

/** What the training loop runs with at one moment (NVlabs training_loop.training_schedule's result). */
export interface ProgressiveStep {
  /** Level of detail: log2(res / 2^…) fractional while a resolution fades in, 0 at full size. */
  lod: number;
  /** The resolution being trained: 2^(log2 res − ⌊lod⌋). */
  resolution: number;
  /** Minibatch at this resolution. */
  batch: number;
  /** Multiplier of the config's learning rate at this resolution (1 outside the table). */
  learningRateFactor: number;
}

/**
 * The schedule as a pure function of the images shown (NVlabs stylegan2 training_loop.training_schedule):
 * phases of `trainingKimg` stable + `transitionKimg` fading, starting at `initialResolution`. Configs
 * without progressive growing get lod 0, their batch and factor 1. The minibatch table is scaled by
 * batch / minibatchBase and rounded to the minibatch-stddev group (NVlabs' 256 at 8² becomes 64 for a
 * batch-8 run); the learning-rate table likewise by learningRate / learningRateBase.
 */
export function progressiveSchedule(config: StyleGAN2Config, curNimg: number): ProgressiveStep {
  const p = config.progressive;
  if (p === null) {
    return { lod: 0, resolution: config.resolution, batch: config.batch, learningRateFactor: 1 };
  }
  const kimg = curNimg / 1000;
  const phaseKimg = p.trainingKimg + p.transitionKimg;
  const phase = Math.floor(kimg / phaseKimg);
  const inPhase = kimg - phase * phaseKimg;
  const fading = p.transitionKimg > 0 ? Math.max(inPhase - p.trainingKimg, 0) / p.transitionKimg : 0;
  const startLod = Math.log2(config.resolution) - Math.floor(Math.log2(p.initialResolution));
  const lod = Math.max(startLod - phase - fading, 0);
  const resolution = 2 ** (Math.log2(config.resolution) - Math.floor(lod));
  const group = config.mbstdGroupSize;
  const tableBatch = p.minibatches[String(resolution)];
  const batch =
    tableBatch === undefined
      ? config.batch
      : Math.max(group, Math.round((tableBatch * config.batch) / p.minibatchBase / group) * group);
  const tableLr = p.learningRates[String(resolution)];
  const learningRateFactor = tableLr === undefined ? 1 : tableLr / p.learningRateBase;
  return { lod, resolution, batch, learningRateFactor };
}

/** NVlabs reset_opt_for_new_lod: the optimisers restart when ⌊lod⌋ or ⌈lod⌉ changes (layers appear or finish fading). */
export function lodCrossed(previousLod: number, lod: number): boolean {
  return Math.floor(lod) !== Math.floor(previousLod) || Math.ceil(lod) !== Math.ceil(previousLod);
}

/**
 * Reals at a level of detail, full size (NVlabs process_reals FadeLOD + UpscaleLOD): box-downsampled to the
 * trained resolution (the dataset's lod levels), cross-faded with the next coarser level by lod − ⌊lod⌋,
 * then nearest-upscaled back to the network's input size.
 */
export function realsAtLod(x: tf.Tensor4D, lod: number): tf.Tensor4D {
  if (lod === 0) return x;
  return tf.tidy(() => {
    const level = Math.floor(lod);
    const alpha = lod - level;
    let y = boxDownsample(x, 2 ** level);
    if (alpha > 0) {
      const coarse = nearestUpsample(boxDownsample(y, 2), 2);
      y = tf.add(y, tf.mul(tf.sub(coarse, y), alpha)) as tf.Tensor4D;
    }
    return nearestUpsample(y, 2 ** level);
  });
}
