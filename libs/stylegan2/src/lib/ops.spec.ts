import { initTf } from '@portrait-forge/tf-runtime';
import * as tf from '@tensorflow/tfjs';
import { blur121, downsample2d, firFilter, upsample2d } from './ops';

beforeAll(async () => {
  await initTf({ log: () => undefined });
});

interface Upfirdn {
  taps?: number[];
  up: number;
  down: number;
  pads: [number, number];
  gain: number;
}

/**
 * Plain-JS NVlabs upfirdn1d (taps [1,3,3,1] unless given, normalised) along one axis of a nested NHWC array:
 * zero-stuff, pad, correlate, keep every `down`-th.
 */
function upfirdnAxis(x: number[][][][], axis: 1 | 2, spec: Upfirdn): number[][][][] {
  const { up, down, pads, gain } = spec;
  const raw = spec.taps ?? [1, 3, 3, 1];
  const taps = raw.map((t) => (t / raw.reduce((a, b) => a + b, 0)) * gain);
  const line = (v: number[]): number[] => {
    const z = [...new Array<number>(pads[0]).fill(0)];
    v.forEach((a) => z.push(a, ...new Array<number>(up - 1).fill(0)));
    z.push(...new Array<number>(pads[1]).fill(0));
    const out: number[] = [];
    for (let j = 0; j + taps.length <= z.length; j += down)
      out.push(taps.reduce((s, t, k) => s + t * z[j + k], 0));
    return out;
  };
  const transpose = <T>(rows: T[][]): T[][] => rows[0].map((_, j) => rows.map((row) => row[j]));
  return x.map((img) => {
    const hwc = axis === 2 ? img : transpose(img);
    const filtered = hwc.map((row) => transpose(transpose(row).map(line)));
    return axis === 2 ? filtered : transpose(filtered);
  });
}

function upfirdn2d(x: tf.Tensor4D, spec: Upfirdn): tf.Tensor4D {
  const y = upfirdnAxis(upfirdnAxis(x.arraySync(), 1, spec), 2, spec);
  return tf.tensor4d(y);
}

const CASES: [string, (x: tf.Tensor4D) => tf.Tensor4D, Upfirdn][] = [
  ['firFilter pad 1', (x) => firFilter(x, 1), { up: 1, down: 1, pads: [1, 1], gain: 1 }],
  ['firFilter pad 2', (x) => firFilter(x, 2), { up: 1, down: 1, pads: [2, 2], gain: 1 }],
  ['firFilter pad 1, gain 4', (x) => firFilter(x, 1, 2), { up: 1, down: 1, pads: [1, 1], gain: 2 }],
  ['upsample2d', upsample2d, { up: 2, down: 1, pads: [2, 1], gain: 2 }],
  ['downsample2d', downsample2d, { up: 1, down: 2, pads: [1, 1], gain: 1 }],
  ['blur121', blur121, { taps: [1, 2, 1], up: 1, down: 1, pads: [1, 1], gain: 1 }],
];

const maxRelDiff = (a: tf.Tensor, b: tf.Tensor): number =>
  tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] / tf.max(tf.abs(b)).dataSync()[0]);

describe.each(['wasm', 'cpu'])('FIR resampling and blur on %s', (backend) => {
  let previous = '';
  beforeAll(async () => {
    previous = tf.getBackend();
    await tf.setBackend(backend);
  });
  afterAll(async () => {
    await tf.setBackend(previous);
  });

  describe.each(CASES)('%s', (_name, op, spec) => {
    it.each([
      [6, 6],
      [5, 7],
    ])(
      'matches upfirdn2d on %d×%d, and its first and second derivatives are the adjoint and the op',
      (h, w) => {
        tf.tidy(() => {
          const x = tf.randomNormal([2, h, w, 3], 0, 1, 'float32', h) as tf.Tensor4D;
          const expected = upfirdn2d(x, spec);
          const y = op(x);
          expect(y.shape).toEqual(expected.shape);
          expect(maxRelDiff(y, expected)).toBeLessThan(1e-6);
          // The op is linear: ∂⟨op(x), r⟩/∂x = opᵀ r, and ∂⟨opᵀ r, x⟩/∂r = op(x) runs through opᵀ's gradient.
          const r = tf.randomNormal(y.shape, 0, 1, 'float32', 7);
          const adjoint = (dy: tf.Tensor) =>
            tf.grad((t: tf.Tensor) => tf.sum(tf.mul(op(t as tf.Tensor4D), dy)))(x);
          const adjointDot = tf.sum(tf.mul(adjoint(r), x)).dataSync()[0];
          expect(adjointDot).toBeCloseTo(tf.sum(tf.mul(expected, r)).dataSync()[0], 4);
          const second = tf.grad((dy: tf.Tensor) => tf.sum(tf.mul(adjoint(dy), x)))(r);
          expect(maxRelDiff(second, expected)).toBeLessThan(1e-6);
        });
      },
    );
  });
});
