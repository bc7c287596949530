import { initTf } from '@portrait-forge/tf-runtime';
import { boxDownsample, nearestUpsample, stylegan2Config } from '@portrait-forge/stylegan2';
import * as tf from '@tensorflow/tfjs';
import { lodCrossed, progressiveSchedule, realsAtLod } from './progressive-schedule';

beforeAll(async () => {
  await initTf({ log: () => undefined });
});

const at = (kimg: number, res = 32, batch?: number) =>
  progressiveSchedule(stylegan2Config('a', { resolution: res, batch }), kimg * 1000);

describe('progressiveSchedule (NVlabs stylegan2 training_schedule, run_training.py configs a–d)', () => {
  it('starts at 8 px and fades in each resolution over lod_transition_kimg after lod_training_kimg', () => {
    expect(at(0)).toEqual({ lod: 2, resolution: 8, batch: 256, learningRateFactor: 1 });
    expect(at(599.9).lod).toBe(2);
    expect(at(900)).toEqual({ lod: 1.5, resolution: 16, batch: 128, learningRateFactor: 1 });
    expect(at(1200).lod).toBe(1);
    expect(at(2100)).toMatchObject({ lod: 0.5, resolution: 32, batch: 64 });
    expect(at(2400).lod).toBe(0);
    expect(at(10000).lod).toBe(0);
  });

  it('takes the per-resolution learning rates from 128 px on and scales the minibatch table with --batch', () => {
    expect(at(1e5, 256).learningRateFactor).toBeCloseTo(2, 12); // 0.002 / base 0.001
    expect(at(4800, 256)).toMatchObject({ resolution: 128, learningRateFactor: 1.5, batch: 32 }); // phase 4 at 256²
    expect(at(0, 32, 8).batch).toBe(64); // 256 · 8/32
    expect(at(1e5, 32, 8).batch).toBe(16);
    expect(at(1e5, 128, 8).batch).toBe(8); // no table entry at 128: the base batch
  });

  it('leaves configs without progressive growing at lod 0 and their batch', () => {
    const e = stylegan2Config('e', { resolution: 32, batch: 8 });
    expect(progressiveSchedule(e, 5e6)).toEqual({ lod: 0, resolution: 32, batch: 8, learningRateFactor: 1 });
  });

  it('restarts the optimisers when a fade begins or ends, not during it', () => {
    expect(lodCrossed(2, 1.99)).toBe(true);
    expect(lodCrossed(1.99, 1.5)).toBe(false);
    expect(lodCrossed(1.01, 1)).toBe(true);
    expect(lodCrossed(0, 0)).toBe(false);
  });

  it('gives the reals of the scheduled level, cross-faded by the fractional lod (blend weight)', () => {
    tf.tidy(() => {
      const x = tf.randomNormal([2, 16, 16, 1], 0, 1, 'float32', 1) as tf.Tensor4D;
      const level1 = nearestUpsample(boxDownsample(x, 2), 2);
      const level2 = nearestUpsample(boxDownsample(x, 4), 4);
      const diff = (a: tf.Tensor, b: tf.Tensor) => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0];
      expect(diff(realsAtLod(x, 0), x)).toBe(0);
      expect(diff(realsAtLod(x, 1), level1)).toBeLessThan(1e-6);
      // Scheduled at 16² for config a: kimg 900 → lod 1.5 at 32², here lod 0.5 → half-way to level 1.
      const half = tf.add(tf.mul(x, 0.5), tf.mul(level1, 0.5));
      expect(diff(realsAtLod(x, 0.5), half)).toBeLessThan(1e-6);
      expect(diff(realsAtLod(x, 1.25), tf.add(tf.mul(level1, 0.75), tf.mul(level2, 0.25)))).toBeLessThan(
        1e-6,
      );
    });
  });
});
