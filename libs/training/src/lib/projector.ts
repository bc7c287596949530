import type * as tfjs from '@tensorflow/tfjs';
import { z } from 'zod';
import { Adam, type Generator } from '@portrait-forge/stylegan2';
import { Mulberry32, normalArray } from '@portrait-forge/random';

/**
 * NVlabs stylegan2-ada-pytorch projector.py: find w (one vector broadcast to every layer, or one per
 * layer with `wPlus`) and the per-layer noise maps whose image matches a target, starting from w_avg.
 * Defaults are projector.py's.
 */
export const ProjectOptionsSchema = z.object({
  numSteps: z.number().int().positive().default(1000).describe('optimisation steps (projector.py: 1000)'),
  /** Samples of z → w for w_avg and w_std (projector.py: 10000). */
  wAvgSamples: z.number().int().positive().default(10000),
  initialLearningRate: z
    .number()
    .positive()
    .default(0.1)
    .describe(
      'peak Adam learning rate, ramped up over the first 5 % of steps and down over the last 25 % (projector.py: 0.1)',
    ),
  initialNoiseFactor: z
    .number()
    .nonnegative()
    .default(0.05)
    .describe(
      'noise added to w at the start, as a fraction of w_std, ramped to 0 over the first 75 % of steps (projector.py: 0.05)',
    ),
  noiseRampLength: z.number().positive().default(0.75),
  lrRampdownLength: z.number().positive().default(0.25),
  lrRampupLength: z.number().positive().default(0.05),
  regularizeNoiseWeight: z.number().nonnegative().default(1e5),
  wPlus: z
    .boolean()
    .default(false)
    .describe(
      'optimise one w per layer (W+, as Image2StyleGAN) instead of projector.py’s one w for all layers; on 16 real faces +3.8 dB and recognisable (apps/trainer README)',
    ),
  seed: z
    .number()
    .int()
    .default(303)
    .describe('seed of the w_avg samples, the w noise and the initial noise maps (projector.py: 303)'),
});
export type ProjectOptions = z.output<typeof ProjectOptionsSchema>;

/**
 * Distance between the synthesised and the target image (NHWC, [-1, 1]). projector.py uses VGG16
 * (LPIPS) features; `pixelPyramidDistance` is the fallback that ships.
 */
export interface ImageDistance {
  name: string;
  distance(tf: typeof tfjs, synth: tfjs.Tensor4D, target: tfjs.Tensor4D): tfjs.Scalar;
}

/**
 * Fallback without VGG16 weights: mean squared pixel error summed over a 2× average-pool pyramid down
 * to 8 px, so coarse structure (face layout, colour) weighs as much as fine detail.
 */
export const pixelPyramidDistance: ImageDistance = {
  name: 'pixel-pyramid',
  distance(tf, synth, target) {
    let a = synth;
    let b = target;
    let total = tf.mean(tf.squaredDifference(a, b));
    while (a.shape[1] > 8) {
      a = tf.avgPool(a, 2, 2, 'valid');
      b = tf.avgPool(b, 2, 2, 'valid');
      total = tf.add(total, tf.mean(tf.squaredDifference(a, b)));
    }
    return total as tfjs.Scalar;
  },
};

/** projector.py's schedule: LR with cosine ramp-down and linear ramp-up; w noise scale ramped to zero. */
export function projectorSchedule(
  step: number,
  o: ProjectOptions,
): { learningRate: number; wNoiseFactor: number } {
  const t = step / o.numSteps;
  const wNoiseFactor = o.initialNoiseFactor * Math.max(0, 1 - t / o.noiseRampLength) ** 2;
  let ramp = Math.min(1, (1 - t) / o.lrRampdownLength);
  ramp = 0.5 - 0.5 * Math.cos(ramp * Math.PI);
  ramp *= Math.min(1, t / o.lrRampupLength);
  return { learningRate: o.initialLearningRate * ramp, wNoiseFactor };
}

/** Σ over each noise map and its 2× pooled versions down to 8 px of (autocorrelation at shift 1)², both axes. */
export function noiseRegularization(tf: typeof tfjs, noises: tfjs.Tensor2D[]): tfjs.Scalar {
  let reg = tf.scalar(0);
  for (const noise of noises) {
    let v = noise.reshape([1, noise.shape[0], noise.shape[1], 1]) as tfjs.Tensor4D;
    for (;;) {
      const size = v.shape[1];
      const rollX = tf.concat(
        [v.slice([0, 0, size - 1, 0], [1, size, 1, 1]), v.slice([0, 0, 0, 0], [1, size, size - 1, 1])],
        2,
      );
      const rollY = tf.concat(
        [v.slice([0, size - 1, 0, 0], [1, 1, size, 1]), v.slice([0, 0, 0, 0], [1, size - 1, size, 1])],
        1,
      );
      reg = tf.add(reg, tf.add(tf.square(tf.mean(tf.mul(v, rollX))), tf.square(tf.mean(tf.mul(v, rollY)))));
      if (size <= 8) break;
      v = tf.avgPool(v, 2, 2, 'valid');
    }
  }
  return reg as tfjs.Scalar;
}

export interface ProjectStep {
  step: number;
  distance: number;
  loss: number;
}

export interface Projection {
  /** The projected w, [numWs, wDim] (one vector repeated, as projector.py, unless `wPlus`). */
  w: Float32Array;
  /** w after every step, [numSteps][numWs · wDim] (progress video). */
  steps: Float32Array[];
  finalDistance: number;
}

/**
 * Projects `target` (NHWC [1, res, res, channels], [-1, 1]) into W of G. G's noise_const buffers are
 * optimised in place (re-randomised first, as projector.py), so render with noise mode const afterwards.
 */
export function project(
  tf: typeof tfjs,
  G: Generator,
  target: tfjs.Tensor4D,
  options: Partial<ProjectOptions> = {},
  loss: ImageDistance = pixelPyramidDistance,
  onStep?: (s: ProjectStep) => void,
): Projection {
  const o = ProjectOptionsSchema.parse(options);
  const { numWs } = G;
  const { wDim, zDim, resolution, channels } = G.config;
  if (target.shape.join(',') !== [1, resolution, resolution, channels].join(','))
    throw new Error(
      `project: target is [${target.shape.join(', ')}], G makes [1, ${resolution}, ${resolution}, ${channels}]`,
    );
  const rng = new Mulberry32(o.seed);
  const { wAvg, wStd } = tf.tidy(() => {
    const zs = tf.tensor2d(normalArray(rng, o.wAvgSamples * zDim), [o.wAvgSamples, zDim]);
    const w = G.map(zs).slice([0, 0, 0], [o.wAvgSamples, 1, wDim]).reshape([o.wAvgSamples, wDim]);
    const mean = tf.mean(w, 0, true);
    return {
      wAvg: mean,
      wStd: Math.sqrt(tf.sum(tf.squaredDifference(w, mean)).dataSync()[0] / o.wAvgSamples),
    };
  });
  // W: one row broadcast to every layer; W+: a row per layer, each starting at w_avg.
  const rows = o.wPlus ? numWs : 1;
  const wOpt = tf.variable(tf.tile(wAvg, [rows, 1]), true, `projector/w/${o.seed}`);
  wAvg.dispose();
  const noiseVars = G.store.entries().filter(([name]) => name.endsWith('.noise_const'));
  for (const [, v] of noiseVars) {
    v.assign(tf.tensor(normalArray(rng, v.size), v.shape));
    v.trainable = true; // optimised here, as projector.py's noise_bufs
  }
  const variables = new Map<string, tfjs.Variable>([['w', wOpt], ...noiseVars]);
  const adam = new Adam({ learningRate: o.initialLearningRate, betas: [0.9, 0.999], epsilon: 1e-8 });
  const steps: Float32Array[] = [];
  let distance = Number.NaN;
  try {
    for (let step = 0; step < o.numSteps; step++) {
      const { learningRate, wNoiseFactor } = projectorSchedule(step, o);
      adam.params.learningRate = learningRate;
      const wNoise = tf.tensor2d(normalArray(rng, rows * wDim), [rows, wDim]).mul(wStd * wNoiseFactor);
      let dist = 0;
      const { value, grads } = tf.variableGrads(() => {
        const ws = tf.tile(tf.add(wOpt, wNoise).reshape([1, rows, wDim]), [
          1,
          numWs / rows,
          1,
        ]) as tfjs.Tensor3D;
        const synth = G.synthesize(ws, { noiseMode: 'const' });
        const d = loss.distance(tf, synth, target);
        dist = d.dataSync()[0];
        const reg = noiseRegularization(
          tf,
          noiseVars.map(([, v]) => v as tfjs.Tensor as tfjs.Tensor2D),
        );
        return tf.add(d, tf.mul(reg, o.regularizeNoiseWeight)) as tfjs.Scalar;
      }, [...variables.values()]);
      wNoise.dispose();
      const byName = new Map([...variables].map(([name, v]) => [name, grads[v.name]]));
      adam.apply(variables, byName);
      const lossValue = value.dataSync()[0];
      value.dispose();
      for (const g of Object.values(grads)) g.dispose();
      // Keep the noise maps zero-mean, unit-variance (projector.py normalises after every step).
      tf.tidy(() => {
        for (const [, v] of noiseVars) {
          const centred = tf.sub(v, tf.mean(v));
          v.assign(tf.mul(centred, tf.rsqrt(tf.mean(tf.square(centred)))));
        }
      });
      distance = dist;
      steps.push(Float32Array.from(tf.tidy(() => tf.tile(wOpt, [numWs / rows, 1])).dataSync()));
      onStep?.({ step, distance: dist, loss: lossValue });
    }
  } finally {
    for (const [, v] of noiseVars) v.trainable = false;
    adam.dispose();
    wOpt.dispose();
  }
  return { w: steps[steps.length - 1], steps, finalDistance: distance };
}
