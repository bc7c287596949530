/**
 * Adjoint (gradient) of tfjs' bilinear / nearest-neighbour resize, in plain JS.
 * Resizing is separable: along each axis every output index reads ≤ 2 source indices with weights
 * (the same index arithmetic as tfjs' reference cpu kernels), so the adjoint scatters dy back along them.
 */

export type ResizeMode = 'bilinear' | 'nearest';

export interface ResizeFlags {
  alignCorners: boolean;
  halfPixelCenters: boolean;
}

/** One source index and its weight. */
export interface Tap {
  src: number;
  weight: number;
}

/** For each of `newSize` output positions, the source taps along one axis. */
export function resizeTaps(oldSize: number, newSize: number, mode: ResizeMode, flags: ResizeFlags): Tap[][] {
  const corners = flags.alignCorners && newSize > 1;
  const ratio = (corners ? oldSize - 1 : oldSize) / (corners ? newSize - 1 : newSize);
  const taps: Tap[][] = [];
  for (let i = 0; i < newSize; i++) {
    if (mode === 'nearest') {
      const frac = flags.halfPixelCenters ? ratio * (i + 0.5) : ratio * i;
      let src = Math.min(oldSize - 1, flags.alignCorners ? Math.round(frac) : Math.floor(frac));
      if (flags.halfPixelCenters) src = Math.max(0, src);
      taps.push([{ src, weight: 1 }]);
    } else {
      const frac = flags.halfPixelCenters ? ratio * (i + 0.5) - 0.5 : ratio * i;
      const lo = Math.max(0, Math.floor(frac));
      const hi = Math.min(oldSize - 1, Math.ceil(frac));
      const t = frac - lo;
      taps.push([
        { src: lo, weight: 1 - t },
        { src: hi, weight: t },
      ]);
    }
  }
  return taps;
}

/** dx (shape `imageShape`, NHWC) = Rᵀ dy, where R resizes `imageShape` to dy's height and width. */
export function resizeAdjoint(
  dy: ArrayLike<number>,
  dyShape: readonly number[],
  imageShape: readonly number[],
  mode: ResizeMode,
  flags: ResizeFlags,
): Float32Array {
  const [batch, newH, newW, channels] = dyShape;
  const [, oldH, oldW] = imageShape;
  const rowTaps = resizeTaps(oldH, newH, mode, flags);
  const colTaps = resizeTaps(oldW, newW, mode, flags);
  const dx = new Float64Array(batch * oldH * oldW * channels);
  let at = 0;
  for (let b = 0; b < batch; b++) {
    for (let r = 0; r < newH; r++) {
      for (let c = 0; c < newW; c++, at += channels) {
        for (const row of rowTaps[r]) {
          for (const col of colTaps[c]) {
            const weight = row.weight * col.weight;
            if (weight === 0) continue;
            const base = ((b * oldH + row.src) * oldW + col.src) * channels;
            for (let d = 0; d < channels; d++) dx[base + d] += weight * dy[at + d];
          }
        }
      }
    }
  }
  return Float32Array.from(dx);
}
