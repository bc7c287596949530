import type * as tfType from '@tensorflow/tfjs';
import { plainWasmForTests } from './backend';
import { copyTiled } from './wasm-tile';

let tf: typeof tfType;

beforeAll(async () => (tf = await plainWasmForTests()));
afterEach(() => tf.setBackend('wasm'));

/** tf.tile on the cpu backend: the reference. */
async function onCpu<T>(f: () => T): Promise<T> {
  await tf.setBackend('cpu');
  try {
    return f();
  } finally {
    await tf.setBackend('wasm');
  }
}

describe('wasm Tile on the heap', () => {
  it('copyTiled gives a naive index mapping', () => {
    const xShape = [2, 3, 5];
    const reps = [2, 1, 3];
    const src = Float32Array.from({ length: 30 }, (_, i) => i);
    const dst = new Float32Array(30 * 6);
    copyTiled(src, dst, xShape, reps);
    const outShape = [4, 3, 15];
    for (let i = 0; i < 4; i++)
      for (let j = 0; j < 3; j++)
        for (let k = 0; k < 15; k++)
          expect(dst[(i * 3 + j) * 15 + k]).toBe(src[((i % 2) * 3 + (j % 3)) * 5 + (k % 5)]);
    expect(outShape.reduce((a, b) => a * b)).toBe(dst.length);
  });

  it.each([
    [[1, 4, 4, 64], [8, 1, 1, 1], 'float32'],
    [[8, 1, 16], [1, 10, 1], 'float32'],
    [[3, 2], [2, 3], 'int32'],
    [[2, 1, 3], [1, 4, 2], 'bool'],
    [[5], [3], 'float32'],
    [[2, 3], [0, 2], 'float32'],
  ] as [number[], number[], tfType.DataType][])('matches cpu: %j × %j (%s)', async (shape, reps, dtype) => {
    const size = shape.reduce((a, b) => a * b, 1);
    const values = Array.from({ length: size }, (_, i) => (dtype === 'bool' ? i % 2 : i * 0.5 - 3));
    const ours = tf.tile(tf.tensor(values, shape, dtype), reps);
    const ref = await onCpu(() => tf.tile(tf.tensor(values, shape, dtype), reps).arraySync());
    expect(ours.dtype).toBe(dtype);
    expect(ours.arraySync()).toEqual(ref);
  });

  it('gives tile gradients as before (sum over the copies)', () => {
    const x = tf.tensor([1, 2, 3, 4], [1, 2, 2]);
    const dy = tf.range(0, 12).reshape([3, 2, 2]);
    const g = tf.grad((v: tfType.Tensor) => tf.sum(tf.mul(tf.tile(v, [3, 1, 1]), dy)))(x);
    expect(Array.from(g.dataSync())).toEqual([12, 15, 18, 21]);
  });
});
