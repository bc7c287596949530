import type * as tfType from '@tensorflow/tfjs';
import { plainWasmForTests } from './backend';
import { makeRng, randomTensor } from './gradient-check';
import { registerWasmTrainingShims } from './wasm-training-shims';

/** The shim kernels element by element against tfjs' cpu backend, on geometries the FD specs skip. */

let tf: typeof tfType;

beforeAll(async () => (tf = await plainWasmForTests()));
afterEach(() => tf.setBackend('wasm'));

/** `pad` attr for explicit padding: [top, bottom] and [left, right] in the layout's axis order. */
function explicitPad(h: [number, number], w: [number, number], layout: 'NHWC' | 'NCHW' = 'NHWC'): number[] {
  const pad = layout === 'NHWC' ? [[0, 0], h, w, [0, 0]] : [[0, 0], [0, 0], h, w];
  return pad as unknown as number[];
}

interface KernelCase {
  name: string;
  kernel: string;
  inputs: Record<string, number[]>;
  attrs: tfType.NamedAttrMap;
}

const CASES: KernelCase[] = [
  {
    name: 'Conv2DBackpropFilter explicit padding, stride 2',
    kernel: 'Conv2DBackpropFilter',
    inputs: { x: [3, 7, 6, 2], dy: [3, 4, 3, 5] },
    attrs: { strides: 2, pad: explicitPad([1, 2], [0, 1]), dataFormat: 'NHWC', filterShape: [3, 3, 2, 5] },
  },
  {
    name: 'Conv2DBackpropFilter NCHW, 5×3 filter, stride [1, 2] same',
    kernel: 'Conv2DBackpropFilter',
    inputs: { x: [2, 3, 6, 7], dy: [2, 4, 6, 4] },
    attrs: { strides: [1, 2], pad: 'same', dataFormat: 'NCHW', filterShape: [5, 3, 3, 4] },
  },
  {
    name: 'Conv2DBackpropFilter NCHW with explicit padding, stride 2',
    kernel: 'Conv2DBackpropFilter',
    inputs: { x: [2, 3, 7, 6], dy: [2, 4, 4, 3] },
    attrs: {
      strides: 2,
      pad: explicitPad([1, 2], [0, 1], 'NCHW'),
      dataFormat: 'NCHW',
      filterShape: [3, 3, 3, 4],
    },
  },
  {
    name: 'Conv2DBackpropInput explicit padding, stride 2, 5×3 filter',
    kernel: 'Conv2DBackpropInput',
    inputs: { dy: [3, 3, 3, 5], filter: [5, 3, 2, 5] },
    attrs: { strides: 2, pad: explicitPad([2, 1], [0, 1]), dataFormat: 'NHWC', inputShape: [3, 7, 6, 2] },
  },
  {
    name: 'Conv2DBackpropInput stride [1, 2] same, odd sizes',
    kernel: 'Conv2DBackpropInput',
    inputs: { dy: [2, 5, 4, 3], filter: [3, 3, 4, 3] },
    attrs: { strides: [1, 2], pad: 'same', dataFormat: 'NHWC', inputShape: [2, 5, 7, 4] },
  },
  {
    // The forward conv tiles its input (filter = stride, no padding): the 1×1 conv + depthToSpace path.
    name: 'Conv2DBackpropInput 2×2 stride 2 same, 16 → 1 channel (MediaPipe selfie upsampling)',
    kernel: 'Conv2DBackpropInput',
    inputs: { dy: [1, 6, 5, 16], filter: [2, 2, 1, 16] },
    attrs: { strides: 2, pad: 'same', dataFormat: 'NHWC', inputShape: [1, 12, 10, 1] },
  },
  {
    name: 'Conv2DBackpropInput 3×3 stride 3 valid, batch 2, 4 → 3 channels (tiled)',
    kernel: 'Conv2DBackpropInput',
    inputs: { dy: [2, 3, 4, 4], filter: [3, 3, 3, 4] },
    attrs: { strides: 3, pad: 'valid', dataFormat: 'NHWC', inputShape: [2, 9, 12, 3] },
  },
  {
    name: 'Conv2DBackpropInput 2×2 stride 2 valid, odd input (last row and column untouched, framed path)',
    kernel: 'Conv2DBackpropInput',
    inputs: { dy: [1, 3, 3, 4], filter: [2, 2, 2, 4] },
    attrs: { strides: 2, pad: 'valid', dataFormat: 'NHWC', inputShape: [1, 7, 7, 2] },
  },
  {
    name: 'DepthwiseConv2dNativeBackpropInput stride 2 valid, even size',
    kernel: 'DepthwiseConv2dNativeBackpropInput',
    inputs: { dy: [2, 3, 4, 3], filter: [3, 3, 3, 1] },
    attrs: { strides: 2, dilations: 1, pad: 'valid', inputShape: [2, 8, 9, 3] },
  },
  {
    name: 'DepthwiseConv2dNativeBackpropFilter stride 2 same, multiplier 2',
    kernel: 'DepthwiseConv2dNativeBackpropFilter',
    inputs: { x: [2, 7, 6, 3], dy: [2, 4, 3, 6] },
    attrs: { strides: 2, dilations: 1, pad: 'same', filterShape: [3, 3, 3, 2] },
  },
];

async function runOn(backend: string, c: KernelCase): Promise<{ shape: number[]; values: Float32Array }> {
  await tf.setBackend(backend);
  const rng = makeRng(11);
  const inputs: tfType.NamedTensorMap = {};
  for (const [name, shape] of Object.entries(c.inputs)) inputs[name] = randomTensor(tf, rng, shape);
  const out = tf.engine().runKernel(c.kernel, inputs, c.attrs) as tfType.Tensor;
  const result = { shape: out.shape, values: (await out.data()) as Float32Array };
  tf.dispose([out, ...Object.values(inputs)]);
  return result;
}

describe('wasm training shim kernels', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s matches the cpu backend', async (_name, c) => {
    const wasm = await runOn('wasm', c);
    const cpu = await runOn('cpu', c);
    expect(wasm.shape).toEqual(cpu.shape);
    const scale = Math.max(...cpu.values.map(Math.abs));
    const worst = Math.max(...wasm.values.map((v, i) => Math.abs(v - cpu.values[i])));
    expect(worst / scale).toBeLessThan(1e-5);
  });

  // tfjs' cpu depthwise backprop kernels ignore dilations, so check dilated ones as exact adjoints of
  // the forward depthwise conv: ⟨conv(x, W), dy⟩ = ⟨x, backpropInput(dy, W)⟩ = ⟨W, backpropFilter(x, dy)⟩.
  it('depthwise backprop with dilation 2 and multiplier 3 is the adjoint of the forward conv', () =>
    tf.tidy(() => {
      const rng = makeRng(12);
      const random = (shape: number[]) => randomTensor(tf, rng, shape);
      const [x, w, dy] = [random([2, 7, 8, 2]), random([3, 3, 2, 3]), random([2, 7, 8, 6])];
      const geometry = { strides: 1, dilations: 2, pad: 'same' };
      const inner = (a: tfType.Tensor, b: tfType.Tensor) => tf.sum(tf.mul(a, b)).dataSync()[0];
      const forward = inner(
        tf.depthwiseConv2d(x as tfType.Tensor4D, w as tfType.Tensor4D, 1, 'same', 'NHWC', 2),
        dy,
      );
      const run = (kernel: string, inputs: tfType.NamedTensorMap, attrs: tfType.NamedAttrMap) =>
        tf.engine().runKernel(kernel, inputs, { ...geometry, ...attrs }) as tfType.Tensor;
      const viaInput = inner(
        x,
        run('DepthwiseConv2dNativeBackpropInput', { dy, filter: w }, { inputShape: x.shape }),
      );
      const viaFilter = inner(
        w,
        run('DepthwiseConv2dNativeBackpropFilter', { x, dy }, { filterShape: w.shape }),
      );
      expect(Math.abs(viaInput - forward) / Math.abs(forward)).toBeLessThan(1e-5);
      expect(Math.abs(viaFilter - forward) / Math.abs(forward)).toBeLessThan(1e-5);
    }));

  it('leaks no tensors', async () => {
    const before = tf.memory().numTensors;
    await runOn('wasm', CASES[0]);
    await runOn('wasm', CASES[2]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('Identity (tf.clone) shares the input buffer under a reference count instead of copying it', async () => {
    const x = tf.tensor([1, 2, 3, 4, 5, 6], [2, 3]);
    const buffers = () => [tf.memory().numDataBuffers, tf.engine().backend.numDataIds()];
    const before = buffers();
    const y = tf.clone(x);
    expect(y.dataId).toBe(x.dataId);
    expect(buffers()).toEqual(before);
    expect(Array.from(await y.data())).toEqual([1, 2, 3, 4, 5, 6]);
    x.dispose();
    expect(y.isDisposed).toBe(false);
    expect(y.shape).toEqual([2, 3]);
    expect(Array.from(await y.data())).toEqual([1, 2, 3, 4, 5, 6]);
    expect(buffers()).toEqual(before);
    y.dispose();
    expect(buffers()).toEqual(before.map((n) => n - 1));
  });

  it('Cast shares the buffer when the dtype stays and converts otherwise', async () => {
    const x = tf.tensor([1.5, -2, 0], [3]);
    const same = tf.cast(x, 'float32');
    const ints = tf.cast(x, 'int32');
    expect(same.dataId).toBe(x.dataId);
    expect(ints.dtype).toBe('int32');
    expect(Array.from(await ints.data())).toEqual([1, -2, 0]);
    tf.dispose([x, same, ints]);
  });

  it('is idempotent: registering again keeps the same kernels and gradients', () => {
    const names = [
      'Conv2DBackpropFilter',
      'Conv2DBackpropInput',
      'DepthwiseConv2dNativeBackpropInput',
      'ResizeNearestNeighborGrad',
    ];
    const kernels = names.map((n) => tf.getKernel(n, 'wasm')?.kernelFunc);
    const greaterGrad = tf.getGradient('Greater');
    registerWasmTrainingShims();
    registerWasmTrainingShims();
    expect(names.map((n) => tf.getKernel(n, 'wasm')?.kernelFunc)).toEqual(kernels);
    expect(kernels.every((k) => typeof k === 'function')).toBe(true);
    expect(tf.getGradient('Greater')).toBe(greaterGrad);
  });
});
