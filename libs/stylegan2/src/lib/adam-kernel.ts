import type * as tf from '@tensorflow/tfjs';
import { hasJsKernel, registerJsKernel, runJsKernel } from '@portrait-forge/tf-runtime';

/**
 * One Adam step for one parameter as a single JS kernel (tf-runtime js-kernels.ts) instead of the op-based step's
 * ~17 kernel calls plus scalar uploads (nan_to_num, moments, bias correction, update). The kernel
 * rounds to float32 after every operation in the order the op-based step does, so both give the same
 * bits (adam.spec.ts compares them).
 */
export const ADAM_STEP_KERNEL = 'PortraitForgeAdamStep';

/** The step's scalars, as the op-based step uploads them (each rounded to float32 in the kernel). */
export interface AdamStepAttrs {
  beta1: number;
  oneMinusBeta1: number;
  beta2: number;
  oneMinusBeta2: number;
  /** √(1 − β₂ᵗ) */
  sqrtBiasCorrection2: number;
  epsilon: number;
  /** lr / (1 − β₁ᵗ) */
  stepSize: number;
}

type Floats = Float32Array;

interface AdamArrays {
  param: Floats;
  m: Floats;
  v: Floats;
  grad: Floats;
}

const NAN_TO_NUM_LIMIT = 1e5;
const f = Math.fround;

/** Writes p′, m′, v′ (NVlabs nan_to_num on the gradient, then torch.optim.Adam), float32 per operation. */
export function adamStepInto(src: AdamArrays, dst: Omit<AdamArrays, 'grad'>, attrs: AdamStepAttrs): void {
  const b1 = f(attrs.beta1);
  const c1 = f(attrs.oneMinusBeta1);
  const b2 = f(attrs.beta2);
  const c2 = f(attrs.oneMinusBeta2);
  const bc2 = f(attrs.sqrtBiasCorrection2);
  const eps = f(attrs.epsilon);
  const step = f(attrs.stepSize);
  const { param, m, v, grad } = src;
  for (let i = 0; i < param.length; i++) {
    const raw = grad[i];
    const g = raw !== raw ? 0 : Math.min(NAN_TO_NUM_LIMIT, Math.max(-NAN_TO_NUM_LIMIT, raw));
    const mi = f(f(m[i] * b1) + f(g * c1));
    const vi = f(f(v[i] * b2) + f(f(g * g) * c2));
    const denom = f(f(f(Math.sqrt(vi)) / bc2) + eps);
    dst.m[i] = mi;
    dst.v[i] = vi;
    dst.param[i] = param[i] - f(f(mi / denom) * step);
  }
}

export function registerAdamStepKernels(): void {
  registerJsKernel({
    name: ADAM_STEP_KERNEL,
    inputs: ['param', 'm', 'v', 'grad'],
    outputShapes: (ins) => ins.slice(0, 3).map((t) => [...t.shape]),
    compute: ([param, m, v, grad], [outParam, outM, outV], attrs) =>
      adamStepInto(
        { param, m, v, grad },
        { param: outParam, m: outM, v: outV },
        attrs as unknown as AdamStepAttrs,
      ),
  });
}

/** Whether the active backend runs the fused step (others, e.g. tfjs-node or WebGL, use ops). */
export function hasAdamStepKernel(): boolean {
  return hasJsKernel(ADAM_STEP_KERNEL);
}

/** [p′, m′, v′] as new float32 tensors; inputs are left as they are. */
export function runAdamStep(
  param: tf.Tensor,
  m: tf.Tensor,
  v: tf.Tensor,
  grad: tf.Tensor,
  attrs: AdamStepAttrs,
): tf.Tensor[] {
  return runJsKernel(ADAM_STEP_KERNEL, { param, m, v, grad }, attrs);
}
