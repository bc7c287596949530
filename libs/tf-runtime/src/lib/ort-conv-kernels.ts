import * as tf from '@tensorflow/tfjs';
import {
  batchMatMulGraph,
  convGraph,
  nchwcProbeModel,
  ORT_CONV_KERNELS,
  type ConvGraph,
  type OrtConvKernel,
} from './ort-conv-graphs';
import { loadOrtRuntime, type OrtRuntime, type SyncSession } from './ort-binding';
import type { WasmHeapBackend } from './wasm-heap';

/**
 * tfjs kernel overrides on the wasm backend that run Conv2D, Conv2DBackpropInput and
 * Conv2DBackpropFilter in onnxruntime-node's native CPU kernels (multi-threaded, FMA), one cached
 * session per thread count, kernel, shape and attribute set. Inputs are read from, and outputs written into, the wasm
 * heap in place: ORT tensors are views onto it, so no tensor data is copied in JS. The gradient
 * registrations stay tfjs' own (and the shims'), so first and second order gradients keep working.
 */

interface CachedConv {
  graph: ConvGraph;
  session: SyncSession;
}

export interface OrtConvStats {
  /** Kernel calls run in onnxruntime. */
  runs: number;
  /** Sessions created (one per thread count, kernel, shape and attribute set). */
  sessions: number;
  /** Float32 values copied between the wasm heap and ORT tensors in JS (0: both sides share the heap). */
  copiedValues: number;
  /** Calls handed to the previous wasm kernel (geometries the graphs do not cover, e.g. dilated backprop). */
  fallbacks: number;
  /** The NCHWc channel block the conv graphs use (1: plain NCHW Conv only). */
  nchwcBlock: number;
}

interface OrtConvState {
  ort: OrtRuntime;
  threads: number;
  sessions: Map<string, CachedConv>;
  previous: Map<OrtKernel, tf.KernelConfig | undefined>;
  stats: OrtConvStats;
  /** What nchwcBlockSize found; stats.nchwcBlock is what the graphs use. */
  cpuNchwcBlock: number;
  faultForTests?: OrtConvKernel;
}

let state: OrtConvState | undefined;

type Shape4 = [number, number, number, number];

function dataFormat(attrs: tf.NamedAttrMap): 'channelsLast' | 'channelsFirst' {
  return attrs['dataFormat'] === 'NCHW' ? 'channelsFirst' : 'channelsLast';
}

function info(xShape: number[], filterShape: number[], attrs: tf.NamedAttrMap, dilations: unknown) {
  return tf.backend_util.computeConv2DInfo(
    xShape as Shape4,
    filterShape as Shape4,
    attrs['strides'] as number | [number, number],
    dilations as number | [number, number],
    attrs['pad'] as unknown as 'same' | 'valid' | number,
    attrs['dimRoundingMode'] as 'floor' | 'round' | 'ceil' | undefined,
    false,
    dataFormat(attrs),
  );
}

function input(inputs: tf.NamedTensorInfoMap, name: string): tf.TensorInfo {
  const value = inputs[name];
  if (!value) throw new Error(`onnxruntime conv kernel: missing kernel input "${name}"`);
  return value;
}

const isUndilated = (d: unknown) =>
  d === undefined || d === 1 || (Array.isArray(d) && d.every((v) => v === 1));

/** The forward conv's geometry for each kernel, or undefined where the graphs do not apply. */
function geometryOf(kernel: OrtConvKernel, inputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap) {
  switch (kernel) {
    case 'Conv2D':
      return info(input(inputs, 'x').shape, input(inputs, 'filter').shape, attrs, attrs['dilations'] ?? 1);
    case 'Conv2DBackpropInput':
      return isUndilated(attrs['dilations'])
        ? info(attrs['inputShape'] as number[], input(inputs, 'filter').shape, attrs, 1)
        : undefined;
    case 'Conv2DBackpropFilter':
      return isUndilated(attrs['dilations'])
        ? info(input(inputs, 'x').shape, attrs['filterShape'] as number[], attrs, 1)
        : undefined;
  }
}

const KERNEL_INPUTS: Record<OrtConvKernel, [string, string]> = {
  Conv2D: ['x', 'filter'],
  Conv2DBackpropInput: ['dy', 'filter'],
  Conv2DBackpropFilter: ['x', 'dy'],
};

function sessionFor(
  s: OrtConvState,
  kernel: OrtConvKernel,
  geometry: tf.backend_util.Conv2DInfo,
): CachedConv {
  const swapFilterAxes = s.faultForTests === kernel;
  const key = [
    kernel,
    geometry.inShape,
    geometry.outShape,
    geometry.filterHeight,
    geometry.filterWidth,
    geometry.strideHeight,
    geometry.strideWidth,
    geometry.dilationHeight,
    geometry.dilationWidth,
    geometry.padInfo,
    geometry.dataFormat,
    swapFilterAxes,
  ];
  const nchwcBlock = s.stats.nchwcBlock;
  return cachedSession(s, [...key, nchwcBlock], () =>
    convGraph({ kernel, info: geometry, swapFilterAxes, nchwcBlock }),
  );
}

function cachedSession(s: OrtConvState, key: unknown[], build: () => ConvGraph): CachedConv {
  const id = JSON.stringify([s.threads, ...key]);
  let cached = s.sessions.get(id);
  if (!cached) {
    const graph = build();
    cached = { graph, session: s.ort.createSession(graph.model, { intraOpNumThreads: s.threads }) };
    s.sessions.set(id, cached);
    s.stats.sessions++;
  }
  return cached;
}

/** Runs `graph` on wasm tensors: ORT reads the inputs and writes the output on the wasm heap in place. */
function runOnHeap(
  s: OrtConvState,
  { graph, session }: CachedConv,
  backend: WasmHeapBackend,
  infos: tf.TensorInfo[],
): tf.TensorInfo {
  // Allocate first: growing the wasm heap detaches earlier views onto it.
  const out = backend.makeOutput(graph.outputShape, 'float32');
  const feeds = Object.fromEntries(
    graph.inputs.map((name, i) => [name, s.ort.tensor(backend.typedArrayFromHeap(infos[i]), infos[i].shape)]),
  );
  session.run(feeds, { [graph.output]: s.ort.tensor(backend.typedArrayFromHeap(out), graph.outputShape) });
  s.stats.runs++;
  return out;
}

/** Which kernel input is dy (the forward conv's output), if any. */
const DY_INPUT: Partial<Record<OrtConvKernel, number>> = { Conv2DBackpropInput: 0, Conv2DBackpropFilter: 1 };

function checkDy(kernel: OrtConvKernel, dy: tf.TensorInfo, geometry: tf.backend_util.Conv2DInfo): void {
  if (DY_INPUT[kernel] === undefined || sameShape(dy.shape, geometry.outShape)) return;
  const attr = kernel === 'Conv2DBackpropInput' ? 'inputShape' : 'filterShape';
  throw new Error(
    `${kernel}: dy has shape [${dy.shape}] but the forward conv of [${geometry.inShape}] gives [${geometry.outShape}]; check ${attr}, strides and padding.`,
  );
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function ortKernel(kernel: OrtConvKernel): tf.KernelFunc {
  return (params) => {
    const s = state;
    const attrs = params.attrs ?? {};
    const geometry = s && geometryOf(kernel, params.inputs, attrs);
    if (!s || !geometry) return fallback(kernel, params);
    const infos = KERNEL_INPUTS[kernel].map((name) => input(params.inputs, name));
    checkDy(kernel, infos[DY_INPUT[kernel] ?? 0], geometry);
    return runOnHeap(s, sessionFor(s, kernel, geometry), params.backend as unknown as WasmHeapBackend, infos);
  };
}

/** tf.matMul; float32 only (as wasm's own), other dtypes go to the wasm kernel. */
const batchMatMulKernel: tf.KernelFunc = (params) => {
  const s = state;
  const a = input(params.inputs, 'a');
  const b = input(params.inputs, 'b');
  if (!s || a.dtype !== 'float32' || b.dtype !== 'float32') return fallback('BatchMatMul', params);
  const transposeA = params.attrs?.['transposeA'] === true;
  const transposeB = params.attrs?.['transposeB'] === true;
  const key = ['BatchMatMul', a.shape, b.shape, transposeA, transposeB];
  const cached = cachedSession(s, key, () => batchMatMulGraph(a.shape, b.shape, transposeA, transposeB));
  return runOnHeap(s, cached, params.backend as unknown as WasmHeapBackend, [a, b]);
};

function fallback(kernel: OrtKernel, params: Parameters<tf.KernelFunc>[0]) {
  const previous = state?.previous.get(kernel);
  if (!previous)
    throw new Error(`onnxruntime conv kernel ${kernel}: no wasm kernel to fall back on for these attributes`);
  if (state) state.stats.fallbacks++;
  return previous.kernelFunc(params);
}

/** The wasm kernels replaced: the convolutions, and BatchMatMul (tf.matMul; wasm's measured 10–200× slower). */
export const ORT_KERNELS = [...ORT_CONV_KERNELS, 'BatchMatMul'] as const;
type OrtKernel = (typeof ORT_KERNELS)[number];

const ORT_KERNEL_FUNCS = new Map<OrtKernel, tf.KernelFunc>([
  ...ORT_CONV_KERNELS.map((k): [OrtKernel, tf.KernelFunc] => [k, ortKernel(k)]),
  ['BatchMatMul', batchMatMulKernel],
]);

/** So that registerWasmTrainingShims, called again later, leaves these kernels in place. */
export function isOrtKernelFunc(kernelFunc: tf.KernelFunc): boolean {
  return [...ORT_KERNEL_FUNCS.values()].includes(kernelFunc);
}

export interface OrtConvOptions {
  threads: number;
  /** Blocked NCHWc convs where the CPU has them (default true; false: plain Conv, for comparisons). */
  nchwc?: boolean;
  /** Injected module loader (tests pretend onnxruntime-node is absent or broken). */
  requireModule?: (id: string) => unknown;
}

/**
 * Replaces the wasm Conv2D / Conv2DBackpropInput / Conv2DBackpropFilter kernels with onnxruntime ones
 * (call after registerWasmTrainingShims). Throws, leaving the wasm kernels in place, when
 * onnxruntime-node cannot load. Calling again changes the thread count.
 */
export function registerOrtConvKernels({ threads, nchwc = true, requireModule }: OrtConvOptions): void {
  if (!Number.isInteger(threads) || threads < 1) {
    throw new Error(
      `onnxruntime conv kernels: threads must be a whole number ≥ 1, got ${threads} (--threads / PORTRAIT_FORGE_THREADS).`,
    );
  }
  if (state) {
    state.threads = threads; // sessions are cached per thread count and block size too
    state.stats.nchwcBlock = nchwc ? state.cpuNchwcBlock : 1;
    return;
  }
  const ort = loadOrtRuntime(requireModule);
  const cpuNchwcBlock = nchwcBlockSize(ort);
  const previous = new Map<OrtKernel, tf.KernelConfig | undefined>();
  for (const kernelName of ORT_KERNELS) {
    const current = tf.getKernel(kernelName, 'wasm');
    previous.set(kernelName, current);
    if (current) tf.unregisterKernel(kernelName, 'wasm');
    tf.registerKernel({
      kernelName,
      backendName: 'wasm',
      kernelFunc: ORT_KERNEL_FUNCS.get(kernelName) as tf.KernelFunc,
      setupFunc: current?.setupFunc,
      disposeFunc: current?.disposeFunc,
    });
  }
  state = {
    ort,
    threads,
    sessions: new Map(),
    previous,
    stats: { runs: 0, sessions: 0, copiedValues: 0, fallbacks: 0, nchwcBlock: nchwc ? cpuNchwcBlock : 1 },
    cpuNchwcBlock,
  };
}

/**
 * MLAS' NCHWc block size on this CPU (MlasNchwcGetBlockSize: 16 with AVX-512, 8 with AVX2; 1 when the
 * library has no NCHWc kernels): the channel count ReorderInput pads 4 channels to.
 */
function nchwcBlockSize(ort: OrtRuntime): number {
  let session: SyncSession | undefined;
  try {
    session = ort.createSession(nchwcProbeModel(), { intraOpNumThreads: 1 });
    const { y } = session.run({ x: ort.tensor(Float32Array.of(1, 2, 3, 4), [1, 4, 1, 1]) }, { y: null });
    const block = y.dims[1];
    return Number.isInteger(block) && block > 4 ? block : 1; // 4: padded to nothing, no blocks
  } catch {
    return 1; // an onnxruntime build without the com.microsoft.nchwc kernels: plain Conv graphs
  } finally {
    session?.dispose();
  }
}

function disposeSessions(s: OrtConvState): void {
  for (const { session } of s.sessions.values()) session.dispose();
  s.sessions.clear();
}

/** Puts the previous wasm kernels back (tests compare both modes in one process). */
export function unregisterOrtConvKernels(): void {
  if (!state) return;
  for (const [kernelName, previous] of state.previous) {
    tf.unregisterKernel(kernelName, 'wasm');
    if (previous) tf.registerKernel(previous);
  }
  disposeSessions(state);
  state = undefined;
}

/** The active thread count, or undefined when the ORT kernels are not registered. */
export function ortConvThreads(): number | undefined {
  return state?.threads;
}

export function ortConvStats(): OrtConvStats | undefined {
  return state && { ...state.stats };
}

/** Test-only: make `kernel` swap its filter's kh and kw axes, so the gradient checks can be seen to fail. */
export function setOrtConvFaultForTests(kernel: OrtConvKernel | undefined): void {
  if (state) state.faultForTests = kernel;
}
