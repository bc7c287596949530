import * as tf from '@tensorflow/tfjs';
import type { WasmHeapBackend } from './wasm-heap';

/**
 * Small elementwise steps outside the gradient tape (Adam, the EMA of G, a gradient norm) as single tfjs
 * kernels written in JS on the wasm and cpu backends: at 32² a training iteration makes thousands of tiny
 * kernel calls, and the engine's per-call overhead costs more than their arithmetic. Each kernel reads
 * its inputs in place (the wasm heap, the cpu backend's arrays) and writes new float32 outputs.
 */
/**
 * Above this many elements wasm's SIMD ops beat a JS loop despite their per-call cost: small 32²/64², Adam
 * of G 8.2/11.4 ms with ops, 4.2/5.2 ms all in JS, 3.6–4.0/5.0 ms with JS up to 8–16 k elements; D's Adam
 * and the EMA lerp were slower all in JS than with ops (tensors of up to ~150 k elements).
 */
export const JS_KERNEL_MAX_SIZE = 16384;

export type JsKernelCompute = (
  inputs: Float32Array[],
  outputs: Float32Array[],
  attrs: tf.NamedAttrMap,
) => void;

export interface JsKernel {
  name: string;
  /** Input names in the order `compute` receives them; all inputs in their order when absent (variadic). */
  inputs?: string[];
  outputShapes: (inputs: tf.TensorInfo[]) => number[][];
  compute: JsKernelCompute;
}

interface CpuBackend {
  data: { get(dataId: tf.DataId): { values: Float32Array } };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array): tf.TensorInfo;
}

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

function orderedInputs(kernel: JsKernel, inputs: tf.NamedTensorInfoMap): tf.TensorInfo[] {
  const names = kernel.inputs ?? Object.keys(inputs);
  return names.map((name) => {
    const t = inputs[name];
    if (!t || t.dtype !== 'float32') throw new Error(`${kernel.name}: needs a float32 input "${name}"`);
    return t;
  });
}

function wasmKernelFunc(kernel: JsKernel): tf.KernelFunc {
  return ({ inputs, backend, attrs = {} }) => {
    const wasm = backend as unknown as WasmHeapBackend;
    const ins = orderedInputs(kernel, inputs);
    const outs = kernel.outputShapes(ins).map((s) => wasm.makeOutput(s, 'float32')); // first: heap growth detaches views
    const view = (t: tf.TensorInfo) => wasm.typedArrayFromHeap(t);
    kernel.compute(ins.map(view), outs.map(view), attrs);
    return outs;
  };
}

function cpuKernelFunc(kernel: JsKernel): tf.KernelFunc {
  return ({ inputs, backend, attrs = {} }) => {
    const cpu = backend as unknown as CpuBackend;
    const ins = orderedInputs(kernel, inputs);
    const shapes = kernel.outputShapes(ins);
    const outs = shapes.map((s) => new Float32Array(size(s)));
    kernel.compute(
      ins.map((t) => cpu.data.get(t.dataId).values),
      outs,
      attrs,
    );
    return outs.map((values, i) => cpu.makeTensorInfo(shapes[i], 'float32', values));
  };
}

/** Registers the kernel for wasm and cpu, once (a second import finds it registered). */
export function registerJsKernel(kernel: JsKernel): void {
  const funcs: Record<string, tf.KernelFunc> = { wasm: wasmKernelFunc(kernel), cpu: cpuKernelFunc(kernel) };
  for (const [backendName, kernelFunc] of Object.entries(funcs))
    if (!tf.getKernel(kernel.name, backendName))
      tf.registerKernel({ kernelName: kernel.name, backendName, kernelFunc });
}

/** Whether the active backend has the kernel (others, e.g. tfjs-node or WebGL, take the op path). */
export function hasJsKernel(name: string): boolean {
  return tf.getKernel(name, tf.getBackend()) !== undefined;
}

export function runJsKernel(name: string, inputs: tf.NamedTensorMap, attrs: object = {}): tf.Tensor[] {
  const out = tf.engine().runKernel(name, inputs, attrs as tf.NamedAttrMap);
  return Array.isArray(out) ? out : [out];
}
