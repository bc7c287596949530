import * as tf from '@tensorflow/tfjs';
import { hasJsKernel, JS_KERNEL_MAX_SIZE, registerJsKernel, runJsKernel } from '@portrait-forge/tf-runtime';

/**
 * s + (v − s)·β (G_ema's update, NVlabs ema_beta) as one kernel call per parameter instead of three plus a
 * scalar upload, rounded to float32 after each operation as the ops do, so both give the same bits.
 */
export const LERP_KERNEL = 'PortraitForgeEmaLerp';

export function registerLerpKernels(): void {
  registerJsKernel({
    name: LERP_KERNEL,
    inputs: ['v', 's'],
    outputShapes: ([v]) => [[...v.shape]],
    compute: ([v, s], [out], attrs) => {
      const beta = Math.fround(attrs['beta'] as number);
      for (let i = 0; i < out.length; i++) out[i] = s[i] + Math.fround(Math.fround(v[i] - s[i]) * beta);
    },
  });
}

/** s + (v − s)·β as a new tensor; ops for large tensors and on backends without the kernel. */
export function emaLerp(v: tf.Tensor, s: tf.Tensor, beta: number): tf.Tensor {
  if (!hasJsKernel(LERP_KERNEL) || v.size > JS_KERNEL_MAX_SIZE)
    return tf.tidy(() => s.add(v.sub(s).mul(beta)));
  return runJsKernel(LERP_KERNEL, { v, s }, { beta })[0];
}
