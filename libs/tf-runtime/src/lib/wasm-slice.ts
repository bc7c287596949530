import * as tf from '@tensorflow/tfjs';
import { heapCopyKernel, type HeapValues } from './wasm-heap';

/**
 * wasm's Slice copies a non-contiguous slice one innermost row at a time (`set(subarray(…))` per
 * position of the last axis): slicing H or W of an NHWC activation makes N·H·W tiny copies of C
 * floats, 40 % of a StyleGAN2 64² iteration (tools/scripts/sg2-kernel-profile.ts). Collapsing the
 * axes a slice takes whole (and those it takes one index of) into their neighbours leaves few,
 * long contiguous runs.
 */
export interface SliceRuns {
  /** Collapsed input shape, begin and size (same rank, ≥ 1). */
  shape: number[];
  begin: number[];
  size: number[];
}

/**
 * Merges axis i+1 into axis i while it is taken whole (then axis i's run grows by that factor), or
 * while axis i is taken at one index (then only an offset is left of it). The element order of the
 * slice is unchanged, so the copy reads the collapsed view in row-major order.
 */
export function collapseSlice(shape: number[], begin: number[], size: number[]): SliceRuns {
  const out: SliceRuns = { shape: [shape[0] ?? 1], begin: [begin[0] ?? 0], size: [size[0] ?? 1] };
  for (let axis = 1; axis < shape.length; axis++) {
    const last = out.shape.length - 1;
    const whole = begin[axis] === 0 && size[axis] === shape[axis];
    if (whole || out.size[last] === 1) {
      out.begin[last] = out.begin[last] * shape[axis] + begin[axis];
      out.size[last] = out.size[last] === 1 && !whole ? size[axis] : out.size[last] * shape[axis];
      out.shape[last] *= shape[axis];
    } else {
      out.shape.push(shape[axis]);
      out.begin.push(begin[axis]);
      out.size.push(size[axis]);
    }
  }
  return out;
}

/** Copies the slice of `src` (row-major, collapsed geometry) into `dst`, one contiguous run at a time. */
export function copySlice(src: HeapValues, dst: HeapValues, { shape, begin, size }: SliceRuns): void {
  const rank = shape.length;
  const strides = new Array<number>(rank);
  strides[rank - 1] = 1;
  for (let a = rank - 2; a >= 0; a--) strides[a] = strides[a + 1] * shape[a + 1];
  const run = size[rank - 1];
  const runs = size.slice(0, -1).reduce((n, s) => n * s, 1);
  const index = new Array<number>(Math.max(0, rank - 1)).fill(0);
  let out = 0;
  for (let r = 0; r < runs; r++) {
    let offset = begin[rank - 1];
    for (let a = 0; a < rank - 1; a++) offset += (begin[a] + index[a]) * strides[a];
    if (run >= 16) dst.set(src.subarray(offset, offset + run), out);
    else for (let i = 0; i < run; i++) dst[out + i] = src[offset + i];
    out += run;
    for (let a = rank - 2; a >= 0; a--) {
      if (++index[a] < size[a]) break;
      index[a] = 0;
    }
  }
}

/** The Slice kernel over collapsed runs; strings and complex numbers go to wasm's own kernel. */
export function collapsedSliceKernel(native: tf.KernelConfig | undefined): tf.KernelFunc {
  return heapCopyKernel('Slice', native, (x, attrs) => {
    const [begin, size] = tf.slice_util.parseSliceParams(
      x as tf.Tensor,
      attrs['begin'] as number[],
      attrs['size'] as number[],
    );
    return { shape: size, copy: (src, dst) => copySlice(src, dst, collapseSlice(x.shape, begin, size)) };
  });
}
