import type * as tf from '@tensorflow/tfjs';

/**
 * The two methods of tfjs-backend-wasm that kernels here use to work on the wasm heap in place:
 * allocate the output first (heap growth detaches older views), then view inputs and output.
 * `View` is the typed array the caller's dtypes give (float32 unless it handles others).
 */
export interface WasmHeapBackend<View = Float32Array> {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): View;
}
