import * as tf from '@tensorflow/tfjs';
import { hasJsKernel, registerJsKernel, runJsKernel } from '@portrait-forge/tf-runtime';

/** Σ x² over many tensors (G's gradient norm each Gmain: a Square and a Sum per parameter become one call). */
export const SUM_OF_SQUARES_KERNEL = 'PortraitForgeSumOfSquares';

export function registerSumOfSquaresKernels(): void {
  registerJsKernel({
    name: SUM_OF_SQUARES_KERNEL,
    outputShapes: () => [[]],
    compute: (inputs, [out]) => {
      let total = 0; // float64: one rounding at the end
      for (const a of inputs) for (let i = 0; i < a.length; i++) total += a[i] * a[i];
      out[0] = total;
    },
  });
}

/** Σ x² over all of `tensors` (float32); ops on backends without the kernel. */
export function sumOfSquaresAll(tensors: tf.Tensor[]): tf.Scalar {
  if (tensors.length === 0) return tf.scalar(0);
  if (!hasJsKernel(SUM_OF_SQUARES_KERNEL))
    return tf.tidy(() => tf.addN(tensors.map((t) => tf.sum(tf.square(t)))) as tf.Scalar);
  const inputs = Object.fromEntries(tensors.map((t, i) => [`x${i}`, t]));
  return runJsKernel(SUM_OF_SQUARES_KERNEL, inputs)[0] as tf.Scalar;
}
