import * as tf from '@tensorflow/tfjs';
import {
  conv2dBackpropFilter,
  conv2dBackpropInput,
  depthwiseConv2dBackpropFilter,
  depthwiseConv2dBackpropInput,
  type ConvGeometry,
} from './conv-backprop';
import { isOrtKernelFunc } from './ort-conv-kernels';
import { collapsedSliceKernel } from './wasm-slice';
import { blockSumKernel } from './wasm-sum';
import { heapTileKernel } from './wasm-tile';
import { resizeAdjoint, type ResizeFlags, type ResizeMode } from './resize-adjoint';

/**
 * Makes training work on the tfjs wasm backend (4.22): registers the backprop kernels wasm lacks,
 * fixes its resize gradients for halfPixelCenters, and registers the gradient configs tfjs lacks so
 * that second-order gradients (R1, path-length regularisation) flow through every one of them.
 */

type Tensor4 = tf.Tensor4D;
type Shape4 = [number, number, number, number];

/** Kernel inputs are Tensors when called through ops; wrap bare TensorInfos just in case. */
function asTensor(info: tf.TensorInfo | undefined, name: string): tf.Tensor {
  if (!info) throw new Error(`wasm training shim: missing kernel input "${name}"`);
  return info instanceof tf.Tensor ? info : tf.engine().makeTensorFromTensorInfo(info);
}

function input4(inputs: tf.NamedTensorInfoMap, name: string): Tensor4 {
  return asTensor(inputs[name], name) as Tensor4;
}

function geometryOf(attrs: tf.NamedAttrMap): ConvGeometry {
  return {
    strides: attrs['strides'] as ConvGeometry['strides'],
    pad: attrs['pad'] as unknown as ConvGeometry['pad'],
    dilations: (attrs['dilations'] ?? 1) as ConvGeometry['dilations'],
    dimRoundingMode: attrs['dimRoundingMode'] as ConvGeometry['dimRoundingMode'],
  };
}

const toNhwc = (t: Tensor4): Tensor4 => tf.transpose(t, [0, 2, 3, 1]);

const SHIM_KERNELS = new WeakSet<tf.KernelFunc>();

function shimKernel(kernelFunc: tf.KernelFunc): tf.KernelFunc {
  SHIM_KERNELS.add(kernelFunc);
  return kernelFunc;
}

/** NCHW explicit padding [[n], [c], [h], [w]] in NHWC order. */
function padToNhwc(pad: ConvGeometry['pad']): ConvGeometry['pad'] {
  return Array.isArray(pad) ? [pad[0], pad[2], pad[3], pad[1]] : pad;
}

const conv2dBackpropFilterKernel = shimKernel(({ inputs, attrs = {} }) =>
  tf.tidy(() => {
    const nchw = attrs['dataFormat'] === 'NCHW';
    const x = input4(inputs, 'x');
    const dy = input4(inputs, 'dy');
    const geometry = geometryOf(attrs);
    return conv2dBackpropFilter(
      nchw ? toNhwc(x) : x,
      nchw ? toNhwc(dy) : dy,
      attrs['filterShape'] as Shape4,
      {
        ...geometry,
        pad: nchw ? padToNhwc(geometry.pad) : geometry.pad,
        dilations: 1,
      },
    );
  }),
);

/** Faster than wasm's native kernel (see conv2dBackpropInput); NCHW stays native. */
function conv2dBackpropInputKernel(native: tf.KernelConfig | undefined): tf.KernelFunc {
  return shimKernel((params) => {
    const attrs = params.attrs ?? {};
    if (native && attrs['dataFormat'] === 'NCHW') return native.kernelFunc(params);
    return conv2dBackpropInput(
      attrs['inputShape'] as Shape4,
      input4(params.inputs, 'dy'),
      input4(params.inputs, 'filter'),
      geometryOf(attrs),
    );
  });
}

const depthwiseBackpropInputKernel = shimKernel(({ inputs, attrs = {} }) =>
  depthwiseConv2dBackpropInput(
    attrs['inputShape'] as Shape4,
    input4(inputs, 'dy'),
    input4(inputs, 'filter'),
    geometryOf(attrs),
  ),
);

const depthwiseBackpropFilterKernel = shimKernel(({ inputs, attrs = {} }) =>
  depthwiseConv2dBackpropFilter(
    input4(inputs, 'x'),
    input4(inputs, 'dy'),
    attrs['filterShape'] as Shape4,
    geometryOf(attrs),
  ),
);

function resizeFlags(attrs: tf.NamedAttrMap): ResizeFlags {
  return {
    alignCorners: attrs['alignCorners'] === true,
    halfPixelCenters: attrs['halfPixelCenters'] === true,
  };
}

/**
 * wasm's own Resize*Grad kernels are right (also for batch > 1) but ignore halfPixelCenters; keep them
 * for the default flags and compute the exact adjoint in JS otherwise.
 */
function resizeGradKernel(mode: ResizeMode, native: tf.KernelConfig | undefined): tf.KernelFunc {
  return shimKernel((params) => {
    const flags = resizeFlags(params.attrs ?? {});
    if (native && !flags.halfPixelCenters) return native.kernelFunc(params);
    const dy = asTensor(params.inputs['dy'], 'dy');
    const images = asTensor(params.inputs['images'], 'images');
    return tf.tensor(
      resizeAdjoint(dy.dataSync(), dy.shape, images.shape, mode, flags),
      images.shape,
      'float32',
    );
  });
}

/**
 * wasm's Identity copies the buffer, and the engine clones (Identity) every tensor a gradient saves:
 * ~1 200 copies per StyleGAN2 G step. Tensors are immutable (variables swap buffers on assign), so the
 * clone can share the buffer with a reference count, as wasm's Reshape already does.
 */
function identitySharingKernel(): tf.KernelFunc {
  return shimKernel(({ inputs, backend }) => {
    const x = inputs['x'];
    if (!x) throw new Error('wasm Identity: missing kernel input "x"');
    (backend as unknown as { incRef(dataId: object): void }).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  });
}

/**
 * The engine's clone gradient is Cast(dy, 'float32'): ~200 same-dtype casts per StyleGAN2 iteration, each
 * a copy in wasm's kernel. A same-dtype cast shares the buffer like Identity; real conversions stay native.
 */
function castSharingKernel(native: tf.KernelConfig | undefined): tf.KernelFunc {
  const share = identitySharingKernel();
  return shimKernel((params) => {
    const x = params.inputs['x'];
    if (x && x.dtype === params.attrs?.['dtype']) return share(params);
    if (!native)
      throw new Error(`wasm Cast: no native kernel for ${x?.dtype} → ${String(params.attrs?.['dtype'])}`);
    return native.kernelFunc(params);
  });
}

function registerWasmKernel(kernelName: string, kernelFunc: tf.KernelFunc, base?: tf.KernelConfig): void {
  if (base) tf.unregisterKernel(kernelName, 'wasm');
  tf.registerKernel({
    kernelName,
    backendName: 'wasm',
    kernelFunc,
    setupFunc: base?.setupFunc,
    disposeFunc: base?.disposeFunc,
  });
}

function registerMissingKernels(): void {
  const missing: Record<string, tf.KernelFunc> = {
    Conv2DBackpropFilter: conv2dBackpropFilterKernel,
    DepthwiseConv2dNativeBackpropInput: depthwiseBackpropInputKernel,
    DepthwiseConv2dNativeBackpropFilter: depthwiseBackpropFilterKernel,
  };
  for (const [name, kernelFunc] of Object.entries(missing)) {
    if (!tf.getKernel(name, 'wasm')) registerWasmKernel(name, kernelFunc);
  }
  const wrapped: Record<string, (native: tf.KernelConfig | undefined) => tf.KernelFunc> = {
    Conv2DBackpropInput: conv2dBackpropInputKernel,
    Identity: identitySharingKernel,
    Cast: castSharingKernel,
    Slice: (native) => shimKernel(collapsedSliceKernel(native)),
    Sum: (native) => shimKernel(blockSumKernel(native)),
    Mean: (native) => shimKernel(blockSumKernel(native, { mean: true })),
    Tile: (native) => shimKernel(heapTileKernel(native)),
    ResizeBilinearGrad: (native) => resizeGradKernel('bilinear', native),
    ResizeNearestNeighborGrad: (native) => resizeGradKernel('nearest', native),
  };
  for (const [name, wrap] of Object.entries(wrapped)) {
    const current = tf.getKernel(name, 'wasm');
    if (current && (SHIM_KERNELS.has(current.kernelFunc) || isOrtKernelFunc(current.kernelFunc))) continue;
    registerWasmKernel(name, wrap(current), current);
  }
}

const run = <T extends tf.Tensor>(name: string, inputs: tf.NamedTensorMap, attrs: tf.NamedAttrMap): T =>
  tf.engine().runKernel(name, inputs, attrs) as T;

const zerosOf = (t: tf.Tensor) => () => tf.zeros(t.shape, 'float32');

/** Gradients of the backprop kernels themselves: each is bilinear in its two inputs. */
const GRADIENTS: tf.GradConfig[] = [
  {
    kernelName: 'Conv2DBackpropFilter',
    inputsToSave: ['x', 'dy'],
    gradFunc: (ddw, [x, dy], attrs) => ({
      x: () =>
        run('Conv2DBackpropInput', { dy, filter: ddw as tf.Tensor }, { ...attrs, inputShape: x.shape }),
      dy: () => run('Conv2D', { x, filter: ddw as tf.Tensor }, { ...attrs, dilations: 1 }),
    }),
  },
  {
    kernelName: 'DepthwiseConv2dNativeBackpropInput',
    inputsToSave: ['dy', 'filter'],
    gradFunc: (ddx, [dy, filter], attrs) => ({
      dy: () =>
        run('DepthwiseConv2dNative', { x: ddx as tf.Tensor, filter }, { ...attrs, dataFormat: 'NHWC' }),
      filter: () =>
        run(
          'DepthwiseConv2dNativeBackpropFilter',
          { x: ddx as tf.Tensor, dy },
          { ...attrs, filterShape: filter.shape },
        ),
    }),
  },
  {
    kernelName: 'DepthwiseConv2dNativeBackpropFilter',
    inputsToSave: ['x', 'dy'],
    gradFunc: (ddw, [x, dy], attrs) => ({
      x: () =>
        run(
          'DepthwiseConv2dNativeBackpropInput',
          { dy, filter: ddw as tf.Tensor },
          { ...attrs, inputShape: x.shape },
        ),
      dy: () =>
        run('DepthwiseConv2dNative', { x, filter: ddw as tf.Tensor }, { ...attrs, dataFormat: 'NHWC' }),
    }),
  },
  ...(['ResizeBilinear', 'ResizeNearestNeighbor'] as const).map(
    (forward): tf.GradConfig => ({
      kernelName: `${forward}Grad`,
      inputsToSave: ['images', 'dy'],
      // The grad kernel is Rᵀ·dy, so its gradient w.r.t. dy is R applied to the incoming gradient.
      gradFunc: (ddx, [images, dy], attrs) => ({
        dy: () => run(forward, { images: ddx as tf.Tensor }, { ...attrs, size: dy.shape.slice(1, 3) }),
        images: zerosOf(images),
      }),
    }),
  ),
  // Comparisons are piecewise constant; tfjs lacks some of their (zero) gradients, which breaks the
  // second-order pass through leakyRelu (its gradient is where(greater(x, 0), …)).
  ...['Greater', 'GreaterEqual', 'Less', 'LessEqual', 'Equal', 'NotEqual'].map(
    (kernelName): tf.GradConfig => ({
      kernelName,
      inputsToSave: ['a', 'b'],
      gradFunc: (_dy, [a, b]) => ({ a: zerosOf(a), b: zerosOf(b) }),
    }),
  ),
];

function registerMissingGradients(): void {
  for (const config of GRADIENTS) {
    if (!tf.getGradient(config.kernelName)) tf.registerGradient(config);
  }
}

/** Idempotent: registers only what is missing (or not yet ours); safe before or after the wasm backend starts. */
export function registerWasmTrainingShims(): void {
  registerMissingKernels();
  registerMissingGradients();
}
