import type * as tfType from '@tensorflow/tfjs';
import { initTf, resetTfRuntimeForTests } from './backend';
import { makeRng, randomTensor } from './gradient-check';
import {
  isOrtKernelFunc,
  ortConvStats,
  registerOrtConvKernels,
  unregisterOrtConvKernels,
} from './ort-conv-kernels';
import { registerWasmTrainingShims } from './wasm-training-shims';

/** The onnxruntime conv kernels element by element against the plain wasm kernels (and shims). */

let tf: typeof tfType;

beforeAll(async () => {
  resetTfRuntimeForTests();
  tf = (await initTf({ backend: 'wasm', ortConv: false, log: () => undefined })).tf;
});

afterEach(() => unregisterOrtConvKernels());

const explicitPad = (h: [number, number], w: [number, number], layout: 'NHWC' | 'NCHW' = 'NHWC') =>
  (layout === 'NHWC' ? [[0, 0], h, w, [0, 0]] : [[0, 0], [0, 0], h, w]) as unknown as number[];

interface KernelCase {
  name: string;
  kernel: 'Conv2D' | 'Conv2DBackpropInput' | 'Conv2DBackpropFilter' | 'BatchMatMul';
  inputs: Record<string, number[]>;
  attrs: tfType.NamedAttrMap;
}

const nhwc = { dataFormat: 'NHWC', dilations: 1 };
const CASES: KernelCase[] = [
  {
    name: 'Conv2D 3×3 same',
    kernel: 'Conv2D',
    inputs: { x: [2, 6, 6, 3], filter: [3, 3, 3, 4] },
    attrs: { ...nhwc, strides: 1, pad: 'same' },
  },
  {
    name: 'Conv2D 3×3 stride 2 same, odd size',
    kernel: 'Conv2D',
    inputs: { x: [2, 7, 7, 3], filter: [3, 3, 3, 4] },
    attrs: { ...nhwc, strides: 2, pad: 'same' },
  },
  {
    name: 'Conv2D 5×3 stride [1, 2] valid',
    kernel: 'Conv2D',
    inputs: { x: [2, 8, 9, 2], filter: [5, 3, 2, 3] },
    attrs: { ...nhwc, strides: [1, 2], pad: 'valid' },
  },
  {
    name: 'Conv2D explicit padding',
    kernel: 'Conv2D',
    inputs: { x: [2, 7, 6, 2], filter: [3, 3, 2, 5] },
    attrs: { ...nhwc, strides: 2, pad: explicitPad([1, 2], [0, 1]) },
  },
  {
    name: 'Conv2D dilated 2',
    kernel: 'Conv2D',
    inputs: { x: [1, 9, 9, 2], filter: [3, 3, 2, 3] },
    attrs: { ...nhwc, strides: 1, pad: 'same', dilations: 2 },
  },
  {
    name: 'Conv2DBackpropInput stride 1 same (flipped conv)',
    kernel: 'Conv2DBackpropInput',
    inputs: { dy: [2, 6, 6, 4], filter: [3, 3, 3, 4] },
    attrs: { ...nhwc, strides: 1, pad: 'same', inputShape: [2, 6, 6, 3] },
  },
  {
    name: 'Conv2DBackpropInput stride 1 valid 5×3',
    kernel: 'Conv2DBackpropInput',
    inputs: { dy: [2, 3, 5, 4], filter: [5, 3, 3, 4] },
    attrs: { ...nhwc, strides: 1, pad: 'valid', inputShape: [2, 7, 7, 3] },
  },
  {
    name: 'Conv2DBackpropInput stride 2 same odd (ConvTranspose)',
    kernel: 'Conv2DBackpropInput',
    inputs: { dy: [2, 4, 4, 4], filter: [3, 3, 3, 4] },
    attrs: { ...nhwc, strides: 2, pad: 'same', inputShape: [2, 7, 7, 3] },
  },
  {
    name: 'Conv2DBackpropInput stride 2 valid even (output_padding)',
    kernel: 'Conv2DBackpropInput',
    inputs: { dy: [2, 3, 3, 3], filter: [3, 3, 2, 3] },
    attrs: { ...nhwc, strides: 2, pad: 'valid', inputShape: [2, 8, 8, 2] },
  },
  {
    name: 'Conv2DBackpropInput explicit padding, stride 2',
    kernel: 'Conv2DBackpropInput',
    inputs: { dy: [3, 3, 3, 5], filter: [5, 3, 2, 5] },
    attrs: { ...nhwc, strides: 2, pad: explicitPad([1, 2], [0, 1]), inputShape: [3, 7, 6, 2] },
  },
  {
    name: 'Conv2DBackpropFilter stride 1 same',
    kernel: 'Conv2DBackpropFilter',
    inputs: { x: [2, 6, 6, 3], dy: [2, 6, 6, 4] },
    attrs: { ...nhwc, strides: 1, pad: 'same', filterShape: [3, 3, 3, 4] },
  },
  {
    name: 'Conv2DBackpropFilter explicit padding, stride 2',
    kernel: 'Conv2DBackpropFilter',
    inputs: { x: [3, 7, 6, 2], dy: [3, 4, 3, 5] },
    attrs: { ...nhwc, strides: 2, pad: explicitPad([1, 2], [0, 1]), filterShape: [3, 3, 2, 5] },
  },
  {
    name: 'Conv2DBackpropFilter NCHW 5×3 stride [1, 2] same',
    kernel: 'Conv2DBackpropFilter',
    inputs: { x: [2, 3, 6, 7], dy: [2, 4, 6, 4] },
    attrs: { dataFormat: 'NCHW', strides: [1, 2], pad: 'same', filterShape: [5, 3, 3, 4] },
  },
  // Whole NCHWc blocks (16 / 32 channels): onnxruntime's blocked convs where the CPU has them.
  {
    name: 'Conv2D 3×3 same, 32→16 channels (NCHWc)',
    kernel: 'Conv2D',
    inputs: { x: [2, 6, 6, 32], filter: [3, 3, 32, 16] },
    attrs: { ...nhwc, strides: 1, pad: 'same' },
  },
  {
    name: 'Conv2D 5×3 stride 2 explicit padding, 16→32 channels (NCHWc)',
    kernel: 'Conv2D',
    inputs: { x: [2, 9, 8, 16], filter: [5, 3, 16, 32] },
    attrs: { ...nhwc, strides: 2, pad: explicitPad([1, 2], [0, 1]) },
  },
  {
    name: 'Conv2DBackpropInput stride 1 same 5×3, 16→32 channels (NCHWc flipped conv)',
    kernel: 'Conv2DBackpropInput',
    inputs: { dy: [2, 6, 7, 32], filter: [5, 3, 16, 32] },
    attrs: { ...nhwc, strides: 1, pad: 'same', inputShape: [2, 6, 7, 16] },
  },
  {
    name: 'Conv2DBackpropInput stride 2 valid 3×3, 16→32 channels (NCHWc phases)',
    kernel: 'Conv2DBackpropInput',
    inputs: { dy: [2, 4, 4, 32], filter: [3, 3, 16, 32] },
    attrs: { ...nhwc, strides: 2, pad: 'valid', inputShape: [2, 9, 9, 16] },
  },
  {
    name: 'Conv2DBackpropInput stride 2 same odd, 32→16 channels (NCHWc phases)',
    kernel: 'Conv2DBackpropInput',
    inputs: { dy: [2, 4, 4, 16], filter: [3, 3, 32, 16] },
    attrs: { ...nhwc, strides: 2, pad: 'same', inputShape: [2, 7, 7, 32] },
  },
  {
    name: 'Conv2DBackpropInput stride 2 valid even (output_padding), 16 channels (NCHWc phases)',
    kernel: 'Conv2DBackpropInput',
    inputs: { dy: [2, 3, 3, 16], filter: [3, 3, 16, 16] },
    attrs: { ...nhwc, strides: 2, pad: 'valid', inputShape: [2, 8, 8, 16] },
  },
  {
    name: 'Conv2DBackpropInput stride 2 same 4×4, 16 channels (NCHWc phases)',
    kernel: 'Conv2DBackpropInput',
    inputs: { dy: [2, 4, 4, 16], filter: [4, 4, 16, 16] },
    attrs: { ...nhwc, strides: 2, pad: 'same', inputShape: [2, 8, 8, 16] },
  },
  {
    name: 'Conv2DBackpropInput stride [2, 3] explicit padding 5×3, 16 channels (NCHWc phases)',
    kernel: 'Conv2DBackpropInput',
    inputs: { dy: [2, 4, 3, 16], filter: [5, 3, 16, 16] },
    attrs: { ...nhwc, strides: [2, 3], pad: explicitPad([1, 2], [0, 1]), inputShape: [2, 9, 10, 16] },
  },
  {
    name: 'Conv2DBackpropInput stride 2 1×1, 16 channels (a phase without taps: ConvTranspose)',
    kernel: 'Conv2DBackpropInput',
    inputs: { dy: [2, 4, 4, 16], filter: [1, 1, 16, 16] },
    attrs: { ...nhwc, strides: 2, pad: 'valid', inputShape: [2, 7, 7, 16] },
  },
  {
    name: 'Conv2DBackpropInput stride 1 valid, 32→16 channels (NCHWc flipped conv)',
    kernel: 'Conv2DBackpropInput',
    inputs: { dy: [2, 4, 4, 16], filter: [3, 3, 32, 16] },
    attrs: { ...nhwc, strides: 1, pad: 'valid', inputShape: [2, 6, 6, 32] },
  },
];

const MATMUL_CASES: KernelCase[] = [
  {
    name: 'BatchMatMul 2-D',
    kernel: 'BatchMatMul',
    inputs: { a: [8, 5], b: [5, 7] },
    attrs: { transposeA: false, transposeB: false },
  },
  {
    name: 'BatchMatMul transposeB (FC layers)',
    kernel: 'BatchMatMul',
    inputs: { a: [8, 6], b: [4, 6] },
    attrs: { transposeA: false, transposeB: true },
  },
  {
    name: 'BatchMatMul transposeA',
    kernel: 'BatchMatMul',
    inputs: { a: [6, 8], b: [6, 4] },
    attrs: { transposeA: true, transposeB: false },
  },
  {
    name: 'BatchMatMul 3-D, broadcast batch, both transposed',
    kernel: 'BatchMatMul',
    inputs: { a: [3, 5, 4], b: [1, 6, 5] },
    attrs: { transposeA: true, transposeB: true },
  },
];
CASES.push(...MATMUL_CASES);

function runCase(c: KernelCase, seed: number): Float32Array {
  const rng = makeRng(seed);
  return tf.tidy(() => {
    const inputs = Object.fromEntries(
      Object.entries(c.inputs).map(([k, shape]) => [k, randomTensor(tf, rng, shape)]),
    );
    return (tf.engine().runKernel(c.kernel, inputs, c.attrs) as tfType.Tensor).dataSync() as Float32Array;
  });
}

describe('onnxruntime conv kernels on wasm', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s matches the wasm kernel', (_name, c) => {
    const plain = runCase(c, 7);
    registerOrtConvKernels({ threads: 2 });
    const before = ortConvStats()?.runs ?? 0;
    const ort = runCase(c, 7);
    expect(ortConvStats()?.runs).toBe(before + 1);
    expect(ort.length).toBe(plain.length);
    const scale = Math.max(...plain.map(Math.abs));
    const worst = Math.max(...plain.map((v, i) => Math.abs(v - ort[i])));
    expect(worst / scale).toBeLessThan(1e-5);
  });

  it.each([
    [3, 4],
    [16, 32],
  ])(
    'runs Conv2D in NCHW (which plain wasm lacks) as the NHWC conv, transposed: %i→%i channels',
    (cin, cout) => {
      registerOrtConvKernels({ threads: 2 });
      const rng = makeRng(5);
      const [x, w] = [randomTensor(tf, rng, [2, 6, 7, cin]), randomTensor(tf, rng, [3, 3, cin, cout])];
      const attrs = { strides: 1, pad: 'same', dilations: 1 };
      const run = (input: tfType.Tensor, dataFormat: string) =>
        tf.engine().runKernel('Conv2D', { x: input, filter: w }, { ...attrs, dataFormat }) as tfType.Tensor;
      const nchw = run(tf.transpose(x, [0, 3, 1, 2]), 'NCHW');
      const nhwc = tf.transpose(run(x, 'NHWC'), [0, 3, 1, 2]);
      expect(tf.max(tf.abs(tf.sub(nchw, nhwc))).dataSync()[0]).toBeLessThan(1e-5);
    },
  );

  it('caches one session per shape and attributes, copies nothing in JS and leaks no tensors', () => {
    registerOrtConvKernels({ threads: 1 });
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) runCase(CASES[0], i);
    runCase(CASES[1], 0);
    expect(tf.memory().numTensors).toBe(before);
    expect(ortConvStats()).toMatchObject({ runs: 4, sessions: 2, copiedValues: 0, fallbacks: 0 });
  });

  it("finds the CPU's NCHWc block (x64: 8 or 16) and gives the plain Conv graphs' results with it", () => {
    const blocked = CASES.filter((c) => c.name.includes('(NCHWc') || c.name.includes('ConvTranspose)'));
    registerOrtConvKernels({ threads: 2, nchwc: false });
    expect(ortConvStats()?.nchwcBlock).toBe(1);
    const plain = blocked.map((c) => runCase(c, 3));
    registerOrtConvKernels({ threads: 2 });
    const block = ortConvStats()?.nchwcBlock ?? 0;
    if (process.arch === 'x64') expect([8, 16]).toContain(block);
    console.log(`NCHWc block size on this CPU: ${block}`);
    blocked.forEach((c, i) => {
      const out = runCase(c, 3);
      const scale = Math.max(...plain[i].map(Math.abs));
      expect(Math.max(...plain[i].map((v, j) => Math.abs(v - out[j]))) / scale).toBeLessThan(1e-5);
    });
    expect(ortConvStats()?.sessions).toBe(2 * blocked.length); // the blocked graphs are other sessions
  });

  it('hands dilated backprop (which the graphs do not cover) to the wasm kernel', () => {
    registerOrtConvKernels({ threads: 1 });
    const c: KernelCase = {
      name: 'dilated dW',
      kernel: 'Conv2DBackpropFilter',
      inputs: { x: [1, 6, 6, 2], dy: [1, 6, 6, 3] },
      attrs: { ...nhwc, strides: 1, pad: 'same', dilations: 2, filterShape: [3, 3, 2, 3] },
    };
    runCase(c, 1);
    expect(ortConvStats()?.fallbacks).toBe(1);
  });

  it('names the mismatch when dy does not fit the forward geometry', () => {
    registerOrtConvKernels({ threads: 1 });
    const flipped = CASES.find((c) => c.name.includes('flipped conv')) as KernelCase;
    const bad = { ...flipped, inputs: { dy: [2, 5, 6, 4], filter: [3, 3, 3, 4] } };
    expect(() => runCase(bad, 1)).toThrow(
      /dy has shape \[2,5,6,4\] but the forward conv of \[2,6,6,3\] gives \[2,6,6,4\]/,
    );
  });

  it('stay in place when the training shims are registered again afterwards', () => {
    registerOrtConvKernels({ threads: 1 });
    const names = ['Conv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter', 'BatchMatMul'];
    const ours = names.map((n) => tf.getKernel(n, 'wasm')?.kernelFunc);
    registerWasmTrainingShims();
    expect(names.map((n) => tf.getKernel(n, 'wasm')?.kernelFunc)).toEqual(ours);
    expect(ours.every((k) => k !== undefined && isOrtKernelFunc(k))).toBe(true);
  });

  it('rejects a bad thread count, naming the option', () => {
    expect(() => registerOrtConvKernels({ threads: 0 })).toThrow(
      /threads must be a whole number ≥ 1.*PORTRAIT_FORGE_THREADS/,
    );
  });
});
