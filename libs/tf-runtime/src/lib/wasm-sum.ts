import * as tf from '@tensorflow/tfjs';

/**
 * wasm's Sum reduces innermost axes only and transposes the input first otherwise: summing N, H and W of an NHWC
 * gradient (every bias, style and demodulation gradient of StyleGAN2) copies the whole tensor. A row of ones times
 * the [reduced, inner] view is one XNNPACK GEMM instead, ~15× faster on [8, 64, 64, 32] (1.5 → 0.1 ms).
 */
export interface SumBlocks {
  /** Elements before, of, and after the reduced axes; the input is read as [outer, reduced, inner]. */
  outer: number;
  reduced: number;
  inner: number;
}

/**
 * The [outer, reduced, inner] view when the reduced axes are adjacent (ignoring size-1 axes) and some kept axis
 * follows them; null when wasm's own kernel needs no transpose or the axes are interleaved with kept ones.
 */
export function sumBlocks(shape: number[], axes: number[]): SumBlocks | null {
  const reducedAxes = new Set(axes);
  const live = shape.map((d, i) => ({ d, reduced: reducedAxes.has(i) })).filter((a) => a.d > 1);
  const first = live.findIndex((a) => a.reduced);
  if (first < 0) return null;
  let end = first;
  while (end < live.length && live[end].reduced) end++;
  if (end === live.length || live.slice(end).some((a) => a.reduced)) return null;
  const product = (part: { d: number }[]) => part.reduce((n, a) => n * a.d, 1);
  return {
    outer: product(live.slice(0, first)),
    reduced: product(live.slice(first, end)),
    inner: product(live.slice(end)),
  };
}

/** Below this many elements wasm's own kernel is faster (the matMul's fixed cost: [8, 64] over N 21 vs 5 µs). */
const MIN_BLOCK_SUM = 4096;

/**
 * The Sum kernel (or, with `mean`, Mean: the sum divided by the count — wasm's Mean transposes the same way,
 * [4, 4, 4, 4, 1, 64] over axis 0, StyleGAN2's minibatch std: 774 vs 77 µs) as ones · [reduced, inner]
 * matMuls for float32 blocks; everything else goes to wasm's kernel.
 */
export function blockSumKernel(native: tf.KernelConfig | undefined, { mean = false } = {}): tf.KernelFunc {
  const name = mean ? 'Mean' : 'Sum';
  return (params) => {
    const { inputs, attrs = {} } = params;
    const x = inputs['x'];
    if (!x) throw new Error(`wasm ${name}: missing kernel input "x"`);
    const axes = tf.util.parseAxisParam(attrs['axis'] as number | number[], x.shape);
    const blocks =
      x.dtype === 'float32' && tf.util.sizeFromShape(x.shape) >= MIN_BLOCK_SUM
        ? sumBlocks(x.shape, axes)
        : null;
    if (!blocks) {
      if (!native) throw new Error(`wasm ${name}: no native kernel`);
      return native.kernelFunc(params);
    }
    const outShape = attrs['keepDims']
      ? x.shape.map((d, i) => (axes.includes(i) ? 1 : d))
      : x.shape.filter((_, i) => !axes.includes(i));
    return tf.tidy(() => {
      const input = x instanceof tf.Tensor ? x : tf.engine().makeTensorFromTensorInfo(x);
      const { outer, reduced, inner } = blocks;
      const ones = tf.ones([1, reduced]);
      const sums =
        outer === 1
          ? tf.matMul(ones, tf.reshape(input, [reduced, inner]))
          : tf.matMul(tf.reshape(ones, [1, 1, reduced]), tf.reshape(input, [outer, reduced, inner]));
      return tf.reshape(mean ? tf.div(sums, reduced) : sums, outShape);
    });
  };
}
