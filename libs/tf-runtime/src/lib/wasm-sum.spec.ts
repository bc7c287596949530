import type * as tfType from '@tensorflow/tfjs';
import { plainWasmForTests } from './backend';
import { sumBlocks } from './wasm-sum';

let tf: typeof tfType;

beforeAll(async () => (tf = await plainWasmForTests()));
afterEach(() => tf.setBackend('wasm'));

describe('sumBlocks', () => {
  it('reads adjacent reduced axes followed by kept ones as [outer, reduced, inner]', () => {
    expect(sumBlocks([8, 64, 64, 32], [0, 1, 2])).toEqual({ outer: 1, reduced: 32768, inner: 32 });
    expect(sumBlocks([8, 64, 64, 32], [1, 2])).toEqual({ outer: 8, reduced: 4096, inner: 32 });
    expect(sumBlocks([8, 1, 1, 32], [0, 1, 2])).toEqual({ outer: 1, reduced: 8, inner: 32 });
  });

  it('leaves innermost and interleaved reductions to wasm', () => {
    expect(sumBlocks([8, 64, 64, 32], [3])).toBeNull();
    expect(sumBlocks([8, 64, 64, 32], [2, 3])).toBeNull();
    expect(sumBlocks([8, 64, 64, 32], [0, 2])).toBeNull();
    expect(sumBlocks([8, 64, 1, 1], [0, 1])).toBeNull();
  });
});

const CASES: { shape: number[]; axis: number[]; keepDims: boolean; dtype: tfType.DataType }[] = [
  { shape: [4, 16, 24, 3], axis: [0, 1, 2], keepDims: false, dtype: 'float32' },
  { shape: [4, 16, 24, 3], axis: [1, 2], keepDims: true, dtype: 'float32' },
  { shape: [4, 16, 24, 3], axis: [-4], keepDims: false, dtype: 'float32' },
  { shape: [4, 16, 24, 3], axis: [3], keepDims: true, dtype: 'float32' },
  { shape: [4, 16, 24, 3], axis: [0, 2], keepDims: false, dtype: 'float32' },
  { shape: [4096, 1, 1, 3], axis: [0, 1, 2], keepDims: true, dtype: 'float32' },
  { shape: [4, 6, 5, 3], axis: [0, 1, 2], keepDims: false, dtype: 'float32' },
  { shape: [4, 16, 24, 3], axis: [0, 1], keepDims: false, dtype: 'int32' },
];

type Case = (typeof CASES)[number];
type Reduce = (x: tfType.Tensor, axis: number[], keepDims: boolean) => tfType.Tensor;

/** `reduce` of `values` in case `c`'s shape on `backend`: shape, dtype and values of the result. */
async function reduceOn(backend: string, reduce: Reduce, c: Case, values: number[]) {
  await tf.setBackend(backend);
  const x = tf.tensor(values, c.shape, c.dtype);
  const y = reduce(x, c.axis, c.keepDims);
  const out = { shape: y.shape, dtype: y.dtype, data: Array.from(await y.data()) };
  tf.dispose([x, y]);
  return out;
}

const valuesFor = (c: Case, scale = 1) =>
  Array.from({ length: c.shape.reduce((a, b) => a * b, 1) }, (_, i) => (((i * 7919) % 1009) - 500) / scale);

describe('wasm Sum kernel', () => {
  it('is the block-sum kernel once the shims are registered', () => {
    expect(tf.getKernel('Sum', 'wasm')?.kernelFunc.name).not.toBe('sum');
  });

  it.each(CASES)('equals the cpu backend on $shape over $axis (keepDims $keepDims, $dtype)', async (c) => {
    const sum: Reduce = (x, axis, keepDims) => tf.sum(x, axis, keepDims);
    const cpu = await reduceOn('cpu', sum, c, valuesFor(c));
    const before = tf.memory().numTensors;
    const wasm = await reduceOn('wasm', sum, c, valuesFor(c));
    expect(wasm).toEqual(cpu);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('gives gradients through nested sums', () => {
    const x = tf.tensor4d(
      Array.from({ length: 24 }, (_, i) => i / 10),
      [2, 2, 3, 2],
    );
    const g = tf.grad((t: tfType.Tensor) => tf.sum(tf.square(tf.sum(tf.square(t), [0, 1, 2]))));
    const cpuExpected = (() => {
      const v = x.arraySync().flat(2);
      const s = [0, 1].map((c) => v.reduce((acc, px) => acc + px[c] ** 2, 0));
      return v.flatMap((px) => [0, 1].map((c) => 4 * s[c] * px[c]));
    })();
    const got = Array.from(g(x).dataSync());
    got.forEach((a, i) => expect(a).toBeCloseTo(cpuExpected[i], 4));
  });
});

describe('wasm Mean kernel (the block sum divided by the count)', () => {
  const MEAN_CASES = [
    ...CASES.filter((c) => c.dtype === 'float32'),
    // StyleGAN2's minibatch std: the group axis of [G, N/G, H, W, F, C].
    { shape: [4, 4, 4, 4, 1, 64], axis: [0], keepDims: false, dtype: 'float32' as tfType.DataType },
  ];

  it.each(MEAN_CASES)('equals the cpu backend on $shape over $axis (keepDims $keepDims)', async (c) => {
    const mean: Reduce = (x, axis, keepDims) => tf.mean(x, axis, keepDims);
    const cpu = await reduceOn('cpu', mean, c, valuesFor(c, 7));
    const before = tf.memory().numTensors;
    const wasm = await reduceOn('wasm', mean, c, valuesFor(c, 7));
    expect(wasm.shape).toEqual(cpu.shape);
    expect(wasm.dtype).toBe(cpu.dtype);
    const scale = Math.max(...cpu.data.map(Math.abs), 1e-3);
    expect(Math.max(...wasm.data.map((v, i) => Math.abs(v - cpu.data[i])))).toBeLessThan(1e-5 * scale);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('gives the mean gradient (1 / count everywhere)', () => {
    const x = tf.randomNormal([8, 16, 8, 4]);
    const g = tf.grad((t: tfType.Tensor) => tf.sum(tf.mean(t, [0, 1, 2])))(x);
    expect(Math.max(...Array.from(g.dataSync()).map((v) => Math.abs(v - 1 / 1024)))).toBeLessThan(1e-9);
  });
});
