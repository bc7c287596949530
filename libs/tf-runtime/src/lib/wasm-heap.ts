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

/** The typed arrays a numeric (not string or complex) tensor's heap view can be. */
export type HeapValues = Float32Array | Int32Array | Uint8Array;

/**
 * A kernel that copies values of its input `x` into a new output on the wasm heap: `plan` gives the
 * output shape and the copy from the input's view to the output's. Strings and complex numbers go to
 * wasm's own kernel `native`.
 */
export function heapCopyKernel(
  name: string,
  native: tf.KernelConfig | undefined,
  plan: (
    x: tf.TensorInfo,
    attrs: tf.NamedAttrMap,
  ) => { shape: number[]; copy(src: HeapValues, dst: HeapValues): void },
): tf.KernelFunc {
  return (params) => {
    const { inputs, attrs = {}, backend } = params;
    const x = inputs['x'];
    if (!x) throw new Error(`wasm ${name}: missing kernel input "x"`);
    if (x.dtype === 'string' || x.dtype === 'complex64') {
      if (!native) throw new Error(`wasm ${name}: no native kernel for ${x.dtype} tensors`);
      return native.kernelFunc(params);
    }
    const { shape, copy } = plan(x, attrs);
    const wasm = backend as unknown as WasmHeapBackend<HeapValues>;
    const out = wasm.makeOutput(shape, x.dtype); // first: heap growth detaches older views
    // Views, not readSync (which would copy the whole input first).
    if (shape.every((d) => d > 0)) copy(wasm.typedArrayFromHeap(x), wasm.typedArrayFromHeap(out));
    return out;
  };
}
