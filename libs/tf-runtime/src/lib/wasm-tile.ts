import type * as tf from '@tensorflow/tfjs';
import { heapCopyKernel, type HeapValues } from './wasm-heap';

/**
 * wasm's Tile costs ~40 ns per output element (tools: [1, 4, 4, 64] × [8, 1, 1, 1] 340 µs, the
 * 512-channel const input 2.7 ms — StyleGAN2's const input and broadcast ws, every G pass). Here each
 * output row along the last axis is `reps[last]` copies of one input row, copied as runs.
 */

/** Fills `dst` (shape `xShape[i] · reps[i]`, row-major) with `src` (shape `xShape`) tiled `reps` times. */
export function copyTiled(src: HeapValues, dst: HeapValues, xShape: number[], reps: number[]): void {
  const rank = xShape.length;
  if (rank === 0) {
    dst[0] = src[0];
    return;
  }
  const outShape = xShape.map((d, i) => d * reps[i]);
  const row = xShape[rank - 1];
  const strides = new Array<number>(rank).fill(1);
  for (let a = rank - 2; a >= 0; a--) strides[a] = strides[a + 1] * xShape[a + 1];
  const rows = outShape.slice(0, -1).reduce((n, d) => n * d, 1);
  const index = new Array<number>(rank - 1).fill(0);
  let out = 0;
  for (let r = 0; r < rows; r++) {
    let offset = 0;
    for (let a = 0; a < rank - 1; a++) offset += (index[a] % xShape[a]) * strides[a];
    const source = src.subarray(offset, offset + row);
    for (let k = 0; k < reps[rank - 1]; k++, out += row) {
      if (row >= 16) dst.set(source, out);
      else for (let i = 0; i < row; i++) dst[out + i] = source[i];
    }
    for (let a = rank - 2; a >= 0; a--) {
      if (++index[a] < outShape[a]) break;
      index[a] = 0;
    }
  }
}

/** The Tile kernel on the wasm heap in place; strings and complex numbers go to wasm's own kernel. */
export function heapTileKernel(native: tf.KernelConfig | undefined): tf.KernelFunc {
  return heapCopyKernel('Tile', native, (x, attrs) => {
    const reps = attrs['reps'] as number[];
    return {
      shape: x.shape.map((d, i) => d * reps[i]),
      copy: (src, dst) => copyTiled(src, dst, x.shape, reps),
    };
  });
}
