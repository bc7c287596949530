import {
  initTf,
  ORT_CONV_KERNELS,
  ortConvStats,
  registerOrtConvKernels,
  setOrtConvFaultForTests,
  unregisterOrtConvKernels,
} from '@portrait-forge/tf-runtime';
import * as tf from '@tensorflow/tfjs';
import { stylegan2Config } from './config';
import { pathLengths, type Phase } from './loss';
import { createStyleGAN2, type PhaseInputs, type StyleGAN2 } from './model';
import { withActivationProbe } from './ops';

beforeAll(async () => {
  await initTf({ log: () => undefined });
});

/**
 * Directional check of a phase's parameter gradient against central finite differences of the loss.
 * R1 and path length depend on the network's Jacobian, which jumps wherever a leaky ReLU changes side, so a
 * step is only valid if no activation flips between θ − h·d and θ + h·d: h starts at 2e-3 and halves until the
 * sign patterns of all leaky-ReLU inputs agree. Float32 losses carry ~1e-7 relative rounding, so the direction is
 * (nearly) the gradient itself, making the derivative as large as possible (|g|), and pl_mean starts near the
 * current lengths so the PL loss itself is small; rounding/h then stays ≈ 1e-5 of the derivative. Richardson
 * (4·D(h/2) − D(h))/3 removes the O(h²) term, and dot products are summed in float64 on the JS side.
 */
function directionalCheck(
  sg: StyleGAN2,
  phase: Phase,
  inputs: PhaseInputs,
  seed: number,
): { analytic: number; numeric: number; step: number } {
  const store = phase.startsWith('G') ? sg.G.store : sg.D.store;
  const params = [...store.trainable().entries()];
  const originals = params.map(([, v]) => tf.clone(v));
  const { grads } = sg.phaseGradients(phase, inputs);
  // Direction: the analytic gradient plus a random part, so the derivative is large against float32 rounding
  // while a wrong gradient (in size or direction) still shows.
  const directions = params.map(([name, v], i) =>
    tf.tidy(() =>
      tf.add(grads.get(name)!, tf.mul(tf.randomNormal(v.shape, 0, 1, 'float32', seed + i), 0.01)),
    ),
  );
  const norm = Math.sqrt(directions.reduce((s, d) => s + tf.sum(tf.square(d)).dataSync()[0], 0));
  let analytic = 0;
  params.forEach(([name], i) => {
    const g = grads.get(name)!.dataSync();
    const d = directions[i].dataSync();
    for (let k = 0; k < g.length; k++) analytic += (g[k] * d[k]) / norm;
  });
  for (const g of grads.values()) g.dispose();
  const evaluate = (eps: number): { loss: number; signs: string } => {
    params.forEach(([, v], i) =>
      v.assign(tf.tidy(() => tf.add(originals[i], tf.mul(directions[i], eps / norm)))),
    );
    const signs: string[] = [];
    const loss = withActivationProbe(
      (x) => signs.push(Array.from(x.dataSync(), (a) => (a > 0 ? '1' : '0')).join('')),
      () => tf.tidy(() => sg.phaseLoss(phase, inputs).loss.dataSync()[0]),
    );
    return { loss, signs: signs.join('|') };
  };
  let h = 2e-3;
  for (;;) {
    const points = [-h, -h / 2, 0, h / 2, h].map(evaluate);
    if (points.every((p) => p.signs === points[2].signs) || h < 1e-5) {
      const central = (a: number, b: number, step: number) => (points[b].loss - points[a].loss) / (2 * step);
      const numeric = (4 * central(1, 3, h / 2) - central(0, 4, h)) / 3;
      params.forEach(([, v], i) => v.assign(originals[i]));
      [...originals, ...directions].forEach((t) => t.dispose());
      return { analytic, numeric, step: h };
    }
    h /= 2;
  }
}

describe.each([
  ['plain wasm', false],
  ['onnxruntime conv kernels', true],
] as const)('regulariser gradients vs central finite differences (tiny net, wasm): %s', (_mode, ort) => {
  const cfg = stylegan2Config('tiny', { resolution: 8, channels: 3 });
  let sg: StyleGAN2;
  let inputs: PhaseInputs;

  beforeAll(() => {
    if (ort) registerOrtConvKernels({ threads: 2 });
    else unregisterOrtConvKernels();
    // Seed 23: every G activation starts ≥ 8e-4 from the leaky-ReLU kink, so steps ~1e-3 flip none (checked below).
    sg = createStyleGAN2(cfg, 23);
    inputs = {
      z: tf.randomNormal([4, cfg.zDim], 0, 1, 'float32', 1) as tf.Tensor2D,
      real: tf.randomUniform([4, 8, 8, 3], -1, 1, 'float32', 2) as tf.Tensor4D,
      plNoise: tf.div(tf.randomNormal([2, 8, 8, 3], 0, 1, 'float32', 3), 8) as tf.Tensor4D,
      noiseMode: 'const',
    };
    sg.plMean = tf.tidy(
      () =>
        tf.mean(pathLengths(sg.G, sg.G.map(inputs.z!.slice(0, 2)), inputs.plNoise!, 'const')).dataSync()[0],
    );
  });

  afterAll(() => {
    sg.dispose();
    if (ort) expect(ortConvStats()?.runs).toBeGreaterThan(0);
    unregisterOrtConvKernels();
  });

  it.each([
    ['Dreg', 'R1'],
    ['Greg', 'path length'],
  ] as const)('%s (%s) gradient matches within 1e-3 relative', (phase: Phase, _term: string) => {
    const { analytic, numeric, step } = directionalCheck(sg, phase, inputs, 100);
    expect(step).toBeGreaterThanOrEqual(1e-4);
    expect(Math.abs(analytic)).toBeGreaterThan(1e-2);
    expect(Math.abs(analytic - numeric) / Math.abs(numeric)).toBeLessThan(1e-3);
  });

  if (ort) {
    it.each(ORT_CONV_KERNELS.map((k) => [k]))(
      'fail with a deliberately wrong %s (filter axes swapped)',
      (kernel) => {
        setOrtConvFaultForTests(kernel);
        try {
          const errors = (['Dreg', 'Greg'] as const).map((phase) => {
            const { analytic, numeric } = directionalCheck(sg, phase, inputs, 100);
            return Math.abs(analytic - numeric) / Math.abs(numeric);
          });
          expect(Math.max(...errors)).toBeGreaterThan(1e-3);
        } finally {
          setOrtConvFaultForTests(undefined);
        }
      },
    );
  }
});

describe('trainPhase', () => {
  it('runs a full NVlabs iteration schedule, updates weights, tracks pl_mean and w_avg, and leaks no tensors', async () => {
    const cfg = stylegan2Config('tiny', { resolution: 8, channels: 1 });
    const sg = createStyleGAN2(cfg, 5);
    const real = tf.randomUniform([4, 8, 8, 1], -1, 1, 'float32', 4) as tf.Tensor4D;
    expect(sg.phasesFor(0)).toEqual(['Gmain', 'Greg', 'Dmain', 'Dreg']);
    expect(sg.phasesFor(1)).toEqual(['Gmain', 'Dmain']);
    const before = sg.D.store.get('b4.out.weight').dataSync().slice();
    let augmented = 0;
    const augment = (x: tf.Tensor4D) => {
      augmented++;
      return tf.mul(x, 0.9) as tf.Tensor4D;
    };
    for (const phase of sg.phasesFor(0)) await sg.trainPhase(phase, { real }, { augment });
    const tensors = tf.memory().numTensors;
    const stats = [];
    for (const phase of sg.phasesFor(0)) stats.push(await sg.trainPhase(phase, { real }, { augment }));
    expect(tf.memory().numTensors).toBe(tensors);
    // Per schedule: Gmain's fakes, Dmain's fakes and reals, Dreg's reals (one forward shared with R1).
    expect(augmented).toBe(8);
    expect(stats.map((s) => s.phase)).toEqual(['Gmain', 'Greg', 'Dmain', 'Dreg']);
    for (const s of stats) expect(Number.isFinite(s.loss)).toBe(true);
    expect(stats[1].plMean).toBeGreaterThan(0);
    expect(sg.plMean).toBe(stats[1].plMean);
    expect(stats[3].r1Penalty).toBeGreaterThan(0);
    for (const s of [stats[2], stats[3]]) expect(Math.abs(s.signsReal ?? NaN)).toBeLessThanOrEqual(1);
    expect(sg.D.store.get('b4.out.weight').dataSync()).not.toEqual(before);
    expect(tf.max(tf.abs(sg.G.wAvg)).dataSync()[0]).toBeGreaterThan(0);
    const state = sg.serialize();
    const copy = createStyleGAN2(cfg, 99);
    copy.load(state);
    expect(copy.serialize()).toEqual(state);
    await expect(sg.trainPhase('Dmain', {})).rejects.toThrow(/Dmain needs real images/);
    sg.dispose();
    copy.dispose();
    real.dispose();
  });

  it('skipNonFinite leaves the weights and pl_mean untouched when a loss or gradient is NaN', async () => {
    const cfg = stylegan2Config('tiny', { resolution: 8, channels: 1 });
    const sg = createStyleGAN2(cfg, 6);
    const bad = tf.fill([4, 8, 8, 1], NaN) as tf.Tensor4D;
    const before = sg.D.store.get('b4.out.weight').dataSync().slice();
    const stats = await sg.trainPhase('Dmain', { real: bad }, { skipNonFinite: true });
    expect(stats.skipped).toBe(true);
    expect(sg.D.store.get('b4.out.weight').dataSync()).toEqual(before);
    const good = tf.zeros([4, 8, 8, 1]) as tf.Tensor4D;
    expect((await sg.trainPhase('Dmain', { real: good }, { skipNonFinite: true })).skipped).toBeUndefined();
    expect(sg.D.store.get('b4.out.weight').dataSync()).not.toEqual(before);
    sg.dispose();
    tf.dispose([bad, good]);
  });
});
