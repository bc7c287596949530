import * as tf from '@tensorflow/tfjs';

/**
 * One Adam step for one parameter as a single tfjs kernel on the wasm and cpu backends. The op-based
 * step (nan_to_num, moments, bias correction, update) is ~17 kernel calls plus scalar uploads per
 * parameter, and at 32² the per-call engine overhead costs more than the arithmetic. The kernel
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

interface WasmBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Floats;
}

interface CpuBackend {
  data: { get(dataId: tf.DataId): { values: Floats } };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: Floats): tf.TensorInfo;
}

function adamInputs(
  inputs: tf.NamedTensorInfoMap,
): [tf.TensorInfo, tf.TensorInfo, tf.TensorInfo, tf.TensorInfo] {
  const { param, m, v, grad } = inputs;
  if (!param || !m || !v || !grad) throw new Error(`${ADAM_STEP_KERNEL}: needs param, m, v and grad`);
  return [param, m, v, grad];
}

/** Reads the inputs from the wasm heap in place and writes the three outputs there. */
const wasmAdamStep: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const tensors = adamInputs(inputs);
  const wasm = backend as unknown as WasmBackend;
  const outs = tensors.slice(0, 3).map((t) => wasm.makeOutput([...t.shape], 'float32')); // first: heap growth detaches views
  const [param, m, v, grad] = tensors.map((t) => wasm.typedArrayFromHeap(t));
  const [outParam, outM, outV] = outs.map((t) => wasm.typedArrayFromHeap(t));
  adamStepInto(
    { param, m, v, grad },
    { param: outParam, m: outM, v: outV },
    attrs as unknown as AdamStepAttrs,
  );
  return outs;
};

const cpuAdamStep: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const tensors = adamInputs(inputs);
  const cpu = backend as unknown as CpuBackend;
  const [param, m, v, grad] = tensors.map((t) => cpu.data.get(t.dataId).values);
  const dst = {
    param: new Float32Array(param.length),
    m: new Float32Array(m.length),
    v: new Float32Array(v.length),
  };
  adamStepInto({ param, m, v, grad }, dst, attrs as unknown as AdamStepAttrs);
  return [dst.param, dst.m, dst.v].map((values, i) =>
    cpu.makeTensorInfo([...tensors[i].shape], 'float32', values),
  );
};

const KERNELS: Record<string, tf.KernelFunc> = { wasm: wasmAdamStep, cpu: cpuAdamStep };

/** Registers the kernel once per backend (a second import of this module finds it registered). */
export function registerAdamStepKernels(): void {
  for (const [backendName, kernelFunc] of Object.entries(KERNELS))
    if (!tf.getKernel(ADAM_STEP_KERNEL, backendName))
      tf.registerKernel({ kernelName: ADAM_STEP_KERNEL, backendName, kernelFunc });
}

/** Whether the active backend runs the fused step (others, e.g. tfjs-node or WebGL, use ops). */
export function hasAdamStepKernel(): boolean {
  return tf.getKernel(ADAM_STEP_KERNEL, tf.getBackend()) !== undefined;
}

/** [p′, m′, v′] as new float32 tensors; inputs are left as they are. */
export function runAdamStep(
  param: tf.Tensor,
  m: tf.Tensor,
  v: tf.Tensor,
  grad: tf.Tensor,
  attrs: AdamStepAttrs,
): tf.Tensor[] {
  return tf
    .engine()
    .runKernel(ADAM_STEP_KERNEL, { param, m, v, grad }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
}
