import * as tfjs from '@tensorflow/tfjs';
import { Generator, stylegan2Config } from '@portrait-forge/stylegan2';
import { initTf } from '@portrait-forge/tf-runtime';
import { noiseRegularization, project, projectorSchedule, ProjectOptionsSchema } from './projector';
import { latentsForSeeds } from './latents';
import { psnr } from './psnr';

describe('projector (NVlabs projector.py)', () => {
  it('follows projector.py schedule: LR ramps up over 5 %, down over the last 25 %; w noise gone at 75 %', () => {
    const o = ProjectOptionsSchema.parse({ numSteps: 100 });
    expect(projectorSchedule(0, o).learningRate).toBe(0);
    expect(projectorSchedule(50, o).learningRate).toBeCloseTo(0.1, 10);
    expect(projectorSchedule(99, o).learningRate).toBeLessThan(0.001);
    expect(projectorSchedule(0, o).wNoiseFactor).toBeCloseTo(0.05, 10);
    expect(projectorSchedule(75, o).wNoiseFactor).toBe(0);
  });

  it('noise regularisation is ~0 for white noise and large for smooth noise', async () => {
    const { tf } = await initTf({ backend: 'wasm', log: () => undefined });
    const white = tf.randomNormal([32, 32], 0, 1, 'float32', 1) as tfjs.Tensor2D;
    const smooth = tf.ones([32, 32]) as tfjs.Tensor2D;
    expect(noiseRegularization(tf, [white]).dataSync()[0]).toBeLessThan(0.01);
    expect(noiseRegularization(tf, [smooth]).dataSync()[0]).toBeGreaterThan(1);
  });

  // projector.py's w noise (meant for its LPIPS loss) slows a pixel-loss projection: on random-init
  // small 16 px networks (seeds 7, 1, 2; 1000 steps) NVlabs' defaults reached 25.5 / 28.0 / 26.9 dB,
  // these options 30.0 / 30.4 / 32.4 dB. ~80 s on one core.
  const RECOVERY = { numSteps: 1000, initialLearningRate: 0.2, initialNoiseFactor: 0, wAvgSamples: 2000 };

  it('recovers an image the generator made from its own w (small config, ≥ 25 dB)', async () => {
    const { tf } = await initTf({ backend: 'wasm', log: () => undefined });
    const config = stylegan2Config('small', { resolution: 16, channels: 3 });
    const G = new Generator(config, 1);
    const target = tf.tidy(() =>
      G.synthesize(G.map(tf.tensor2d(latentsForSeeds([7], config.zDim), [1, config.zDim])), {
        noiseMode: 'const',
      }),
    );
    const render = (w: Float32Array): Float32Array =>
      tf
        .tidy(() => G.synthesize(tf.tensor3d(w, [1, G.numWs, config.wDim]), { noiseMode: 'const' }))
        .dataSync() as Float32Array;
    const start = performance.now();
    const result = project(tf, G, target, RECOVERY);
    const seconds = (performance.now() - start) / 1000;
    const targetData = target.dataSync() as Float32Array;
    const first = psnr(render(result.steps[0]), targetData);
    const db = psnr(render(result.w), targetData);
    console.log(
      `projector small 16px, ${JSON.stringify(RECOVERY)}: PSNR ${first.toFixed(2)} → ${db.toFixed(2)} dB in ${seconds.toFixed(1)} s`,
    );
    expect(result.steps).toHaveLength(RECOVERY.numSteps);
    expect(db).toBeGreaterThanOrEqual(25);
    expect(db - first).toBeGreaterThan(10);
    target.dispose();
    G.dispose();
  }, 300000);

  it('W+ fits a style-mixed image that no single w makes, closer than W', async () => {
    const { tf } = await initTf({ backend: 'wasm', log: () => undefined });
    const config = stylegan2Config('small', { resolution: 16, channels: 3 });
    const G = new Generator(config, 1);
    // Coarse layers from seed 7, fine layers from seed 8: in W+, but not in W.
    const target = tf.tidy(() => {
      const ws = G.map(tf.tensor2d(latentsForSeeds([7, 8], config.zDim), [2, config.zDim]));
      const half = G.numWs / 2;
      const mixed = tf.concat(
        [
          ws.slice([0, 0, 0], [1, half, config.wDim]),
          ws.slice([1, half, 0], [1, G.numWs - half, config.wDim]),
        ],
        1,
      ) as tfjs.Tensor3D;
      return G.synthesize(mixed, { noiseMode: 'const' });
    });
    const targetData = target.dataSync() as Float32Array;
    const fit = (wPlus: boolean): { db: number; w: Float32Array } => {
      const { w } = project(tf, G, target, { ...RECOVERY, numSteps: 300, wPlus });
      const image = tf
        .tidy(() => G.synthesize(tf.tensor3d(w, [1, G.numWs, config.wDim]), { noiseMode: 'const' }))
        .dataSync() as Float32Array;
      return { db: psnr(image, targetData), w };
    };
    const inW = fit(false);
    const inWPlus = fit(true);
    console.log(
      `projector W vs W+ on a style-mixed 16 px image: ${inW.db.toFixed(2)} vs ${inWPlus.db.toFixed(2)} dB`,
    );
    const row = (w: Float32Array, i: number): Float32Array =>
      w.subarray(i * config.wDim, (i + 1) * config.wDim);
    expect(row(inW.w, 0)).toEqual(row(inW.w, G.numWs - 1)); // W: one vector on every layer
    expect(row(inWPlus.w, 0)).not.toEqual(row(inWPlus.w, G.numWs - 1));
    expect(inWPlus.db).toBeGreaterThan(inW.db + 2);
    target.dispose();
    G.dispose();
  }, 300000);
});
