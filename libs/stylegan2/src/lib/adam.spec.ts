import { initTf } from '@portrait-forge/tf-runtime';
import * as tf from '@tensorflow/tfjs';
import { Adam, type AdamParams } from './adam';
import { ADAM_STEP_KERNEL, registerAdamStepKernels } from './adam-kernel';

beforeAll(async () => {
  await initTf({ log: () => undefined });
});

const PARAMS: AdamParams = { learningRate: 0.01, betas: [0.9, 0.99], epsilon: 1e-8 };

/** torch.optim.Adam on one parameter, in float64, with NVlabs' nan_to_num (NaN → 0, clamp ±1e5). */
function referenceAdam(p: number[], grads: number[][]): number[] {
  const [b1, b2] = PARAMS.betas;
  const m = p.map(() => 0);
  const v = p.map(() => 0);
  grads.forEach((raw, t) => {
    const bc1 = 1 - b1 ** (t + 1);
    const bc2 = 1 - b2 ** (t + 1);
    raw.forEach((r, i) => {
      const g = Math.min(1e5, Math.max(-1e5, Number.isNaN(r) ? 0 : r));
      m[i] = b1 * m[i] + (1 - b1) * g;
      v[i] = b2 * v[i] + (1 - b2) * g * g;
      p[i] -= (PARAMS.learningRate / bc1) * (m[i] / (Math.sqrt(v[i]) / Math.sqrt(bc2) + PARAMS.epsilon));
    });
  });
  return p;
}

describe('Adam', () => {
  it('steps each parameter as torch.optim.Adam, also when their step counts differ', () => {
    const adam = new Adam(PARAMS);
    const a = tf.variable(tf.tensor2d([0.5, -1, 2, 0.25], [2, 2]));
    const b = tf.variable(tf.tensor1d([1, -3, 0.1]));
    const gradsA = [
      [0.1, -0.2, NaN, 3e5],
      [1, 2, -1, 0.5],
      [-0.3, 0.3, 0.2, -0.1],
    ];
    const gradsB = [
      [2, 0, -4],
      [0.5, NaN, 1],
    ];
    const variables = new Map<string, tf.Variable>([
      ['a', a],
      ['b', b],
    ]);
    // Step 1: only a. Steps 2 and 3: both, a one step ahead of b.
    adam.apply(variables, new Map([['a', tf.tensor2d(gradsA[0], [2, 2])]]));
    for (let t = 1; t < 3; t++) {
      adam.apply(
        variables,
        new Map<string, tf.Tensor>([
          ['a', tf.tensor2d(gradsA[t], [2, 2])],
          ['b', tf.tensor1d(gradsB[t - 1])],
        ]),
      );
    }
    const expectClose = (got: tf.Tensor, want: number[]) =>
      Array.from(got.dataSync()).forEach((x, i) => expect(x).toBeCloseTo(want[i], 5));
    expectClose(a, referenceAdam([0.5, -1, 2, 0.25], gradsA));
    expectClose(b, referenceAdam([1, -3, 0.1], gradsB));
    expect(a.shape).toEqual([2, 2]);
    expect(adam.serialize()['a.step'].data[0]).toBe(3);
    expect(adam.serialize()['b.step'].data[0]).toBe(2);
    adam.dispose();
  });

  it('gives the same bits with the fused kernel as with the op-based step', () => {
    const values = (seed: number, n: number) =>
      Array.from({ length: n }, (_, i) => Math.sin(seed * 7.1 + i * 1.3) * 10 ** ((i % 9) - 4));
    const grads = [1, 2, 3].map((t) => {
      const g = values(t, 257);
      g[t] = NaN;
      g[t + 10] = Infinity;
      g[t + 20] = -3e7;
      return g;
    });
    const run = () => {
      const adam = new Adam(PARAMS);
      const p = tf.variable(tf.tensor1d(values(0, 257)));
      for (const g of grads) adam.apply(new Map([['p', p]]), new Map([['p', tf.tensor1d(g)]]));
      const out = { p: p.dataSync().slice(), state: adam.serialize() };
      adam.dispose();
      p.dispose();
      return out;
    };
    const fused = run();
    const backend = tf.getBackend();
    tf.unregisterKernel(ADAM_STEP_KERNEL, backend);
    try {
      const ops = run();
      expect(Array.from(fused.p)).toEqual(Array.from(ops.p));
      expect(Array.from(fused.state['p.exp_avg'].data)).toEqual(Array.from(ops.state['p.exp_avg'].data));
      expect(Array.from(fused.state['p.exp_avg_sq'].data)).toEqual(
        Array.from(ops.state['p.exp_avg_sq'].data),
      );
    } finally {
      registerAdamStepKernels();
    }
  });
});
