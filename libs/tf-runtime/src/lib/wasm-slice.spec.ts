import type * as tfType from '@tensorflow/tfjs';
import { plainWasmForTests } from './backend';
import { collapseSlice, copySlice } from './wasm-slice';

let tf: typeof tfType;

beforeAll(async () => (tf = await plainWasmForTests()));
afterEach(() => tf.setBackend('wasm'));

describe('collapseSlice', () => {
  it('merges the axes a slice takes whole into one long run', () => {
    // W of an NHWC activation: N·H runs of (slice of W)·C floats instead of N·H·W runs of C.
    expect(collapseSlice([8, 66, 64, 32], [0, 0, 3, 0], [8, 66, 61, 32])).toEqual({
      shape: [528, 2048],
      begin: [0, 96],
      size: [528, 1952],
    });
    // H: 8 runs of 63·64·32.
    expect(collapseSlice([8, 66, 64, 32], [0, 3, 0, 0], [8, 63, 64, 32])).toEqual({
      shape: [8, 135168],
      begin: [0, 6144],
      size: [8, 129024],
    });
  });

  it('keeps an axis taken partly after one taken at a single index as an offset', () => {
    expect(collapseSlice([4, 5, 6], [2, 1, 0], [1, 3, 6])).toEqual({ shape: [120], begin: [66], size: [18] });
    expect(collapseSlice([4, 5, 6], [0, 1, 2], [4, 3, 2])).toEqual({
      shape: [4, 5, 6],
      begin: [0, 1, 2],
      size: [4, 3, 2],
    });
  });

  it('copies the same elements as a naive strided copy', () => {
    const shape = [3, 4, 5, 6];
    const src = Float32Array.from({ length: 360 }, (_, i) => i);
    const begin = [1, 0, 2, 0];
    const size = [2, 4, 2, 6];
    const naive: number[] = [];
    for (let a = 0; a < 2; a++)
      for (let b = 0; b < 4; b++)
        for (let c = 0; c < 2; c++)
          for (let d = 0; d < 6; d++) naive.push(src[(((a + 1) * 4 + b) * 5 + (c + 2)) * 6 + d]);
    const dst = new Float32Array(96);
    copySlice(src, dst, collapseSlice(shape, begin, size));
    expect(Array.from(dst)).toEqual(naive);
  });
});

const CASES: { shape: number[]; begin: number[]; size: number[]; dtype: tfType.DataType }[] = [
  { shape: [2, 10, 8, 16], begin: [0, 3, 0, 0], size: [-1, 7, -1, -1], dtype: 'float32' },
  { shape: [2, 8, 11, 16], begin: [0, 0, 2, 0], size: [-1, -1, 8, -1], dtype: 'float32' },
  { shape: [2, 8, 2, 32], begin: [0, 0, 1, 0], size: [2, 8, 1, 32], dtype: 'float32' },
  { shape: [3, 5, 7, 4], begin: [1, 2, 3, 1], size: [2, 2, 3, 2], dtype: 'float32' },
  { shape: [2, 3, 4, 5, 6], begin: [0, 1, 0, 2, 0], size: [2, 2, 4, 2, 6], dtype: 'float32' },
  { shape: [7], begin: [2], size: [4], dtype: 'float32' },
  { shape: [6, 5], begin: [0, 0], size: [6, 5], dtype: 'float32' },
  { shape: [4, 6], begin: [1, 2], size: [2, 3], dtype: 'int32' },
  { shape: [4, 6], begin: [1, 2], size: [2, 3], dtype: 'bool' },
  { shape: [4, 6], begin: [1, 2], size: [0, 3], dtype: 'float32' },
];

describe('wasm Slice kernel', () => {
  it('is the collapsed-runs kernel once the shims are registered', () => {
    expect(tf.getKernel('Slice', 'wasm')?.kernelFunc.name).not.toBe('slice');
  });

  it.each(CASES)('equals the cpu backend on $shape from $begin size $size ($dtype)', async (c) => {
    const n = c.shape.reduce((a, b) => a * b, 1);
    const values = Array.from({ length: n }, (_, i) =>
      c.dtype === 'bool' ? i % 3 === 0 : (i * 7919) % 1009,
    );
    const sliceOn = async (backend: string) => {
      await tf.setBackend(backend);
      const x = tf.tensor(values as number[], c.shape, c.dtype);
      const y = tf.slice(x, c.begin, c.size);
      const out = { shape: y.shape, data: Array.from(await y.data()) };
      tf.dispose([x, y]);
      return out;
    };
    const cpu = await sliceOn('cpu');
    const before = tf.memory().numTensors;
    const wasm = await sliceOn('wasm');
    expect(wasm).toEqual(cpu);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('slices a string tensor through the native kernel', () => {
    const y = tf.slice(tf.tensor(['a', 'b', 'c', 'd'], [2, 2], 'string'), [1, 0], [1, 2]);
    expect(y.dataSync()).toEqual(['c', 'd']);
  });

  it('gives gradients through slice (its gradient is a pad)', () => {
    const g = tf.grad((x: tfType.Tensor) =>
      tf.sum(
        tf.mul(
          tf.slice(x, [0, 1], [2, 2]),
          tf.tensor2d([
            [1, 2],
            [3, 4],
          ]),
        ),
      ),
    );
    expect(Array.from(g(tf.ones([2, 4])).dataSync())).toEqual([0, 1, 2, 0, 0, 3, 4, 0]);
  });
});
