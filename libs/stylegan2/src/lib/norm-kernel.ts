import * as tf from '@tensorflow/tfjs';

/**
 * Σ x² over many tensors as one tfjs kernel on the wasm and cpu backends (G's gradient norm each Gmain:
 * a Square and a Sum per parameter, ~110 kernel calls, become one). Accumulates in float64.
 */
export const SUM_OF_SQUARES_KERNEL = 'PortraitForgeSumOfSquares';

type Floats = Float32Array;

interface WasmBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Floats;
}

interface CpuBackend {
  data: { get(dataId: tf.DataId): { values: Floats } };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: Floats): tf.TensorInfo;
}

function sumOfSquares(arrays: Floats[]): number {
  let total = 0;
  for (const a of arrays) for (let i = 0; i < a.length; i++) total += a[i] * a[i];
  return total;
}

const wasmKernel: tf.KernelFunc = ({ inputs, backend }) => {
  const wasm = backend as unknown as WasmBackend;
  const out = wasm.makeOutput([], 'float32'); // first: heap growth detaches views
  const arrays = Object.values(inputs).map((t) => wasm.typedArrayFromHeap(t));
  wasm.typedArrayFromHeap(out)[0] = sumOfSquares(arrays);
  return out;
};

const cpuKernel: tf.KernelFunc = ({ inputs, backend }) => {
  const cpu = backend as unknown as CpuBackend;
  const total = sumOfSquares(Object.values(inputs).map((t) => cpu.data.get(t.dataId).values));
  return cpu.makeTensorInfo([], 'float32', Float32Array.of(total));
};

const KERNELS: Record<string, tf.KernelFunc> = { wasm: wasmKernel, cpu: cpuKernel };

/** Registers the kernel once per backend. */
export function registerSumOfSquaresKernels(): void {
  for (const [backendName, kernelFunc] of Object.entries(KERNELS))
    if (!tf.getKernel(SUM_OF_SQUARES_KERNEL, backendName))
      tf.registerKernel({ kernelName: SUM_OF_SQUARES_KERNEL, backendName, kernelFunc });
}

/** Σ x² over all of `tensors` (float32); ops on backends without the kernel. */
export function sumOfSquaresAll(tensors: tf.Tensor[]): tf.Scalar {
  if (tensors.length === 0) return tf.scalar(0);
  if (!tf.getKernel(SUM_OF_SQUARES_KERNEL, tf.getBackend()))
    return tf.tidy(() => tf.addN(tensors.map((t) => tf.sum(tf.square(t)))) as tf.Scalar);
  const inputs = Object.fromEntries(tensors.map((t, i) => [`x${i}`, t]));
  return tf.engine().runKernel(SUM_OF_SQUARES_KERNEL, inputs, {}) as tf.Scalar;
}
