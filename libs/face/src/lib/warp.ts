import { warpKernels } from './warp-kernels';

/** Pixel-level pieces of FFHQ alignment that sharp has no operation for. Pure, on interleaved buffers. */

// Local bindings: inside Jest's vm context every `Math.x` lookup in a hot loop is ~20× slower.
const { min } = Math;

/** Interleaved pixels of any numeric type. */
export interface Pixels<T extends Uint8Array | Float32Array> {
  data: T;
  width: number;
  height: number;
  channels: number;
}

/** A rectangle of pixels. */
export interface Region {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** numpy.pad 'reflect' index (mirror without repeating the edge), valid for any overshoot. */
export function reflectIndex(i: number, n: number): number {
  if (n === 1) return 0;
  const period = 2 * (n - 1);
  const m = ((i % period) + period) % period;
  return m < n ? m : period - m;
}

/** Reflect-pads by [left, top, right, bottom], as np.pad(img, …, 'reflect'). */
export function reflectPad(
  src: Pixels<Uint8Array>,
  [left, top, right, bottom]: readonly [number, number, number, number],
): Pixels<Uint8Array> {
  const { width: w, height: h, channels: c } = src;
  const width = w + left + right;
  const height = h + top + bottom;
  const rowBytes = width * c;
  const data = new Uint8Array(rowBytes * height);
  const margin = Int32Array.from({ length: left + right }, (_, j) => {
    const x = j < left ? j : j + w;
    return reflectIndex(x - left, w) * c;
  });
  for (let y = 0; y < h; y++) {
    const srcRow = y * w * c;
    const row = (y + top) * rowBytes;
    data.set(src.data.subarray(srcRow, srcRow + w * c), row + left * c);
    for (let j = 0; j < margin.length; j++) {
      const o = row + (j < left ? j : j + w) * c;
      for (let k = 0; k < c; k++) data[o + k] = src.data[srcRow + margin[j] + k];
    }
  }
  for (let y = 0; y < height; y++) {
    if (y >= top && y < top + h) continue;
    const from = (reflectIndex(y - top, h) + top) * rowBytes;
    data.copyWithin(y * rowBytes, from, from + rowBytes);
  }
  return { data, width, height, channels: c };
}

const MEDIAN_BINS = 256 * 64;

/** Median of the n values counted in hist[from, from + MEDIAN_BINS) (1/64-level bins, exact to ±1/128). */
function histogramMedian(hist: Uint32Array, from: number, n: number): number {
  let seen = 0;
  let bin = 0;
  while (bin < MEDIAN_BINS && seen + hist[from + bin] <= (n - 1) / 2) seen += hist[from + bin++];
  return bin / 64;
}

/**
 * FFHQ's soft border, in place on the reflect-padded bytes: v = img + (blurred − img)·clip(3·mask + 1, 0, 1)
 * (float32), then v += (median(v) − v)·clip(mask, 0, 1) per channel, rounded and clipped to bytes; mask
 * rises from the original edge into the padding. Same values as blending a Float32 copy and rounding it;
 * pixels with mask ≤ −⅓ keep their byte. The median counts every pixel, but only `region` is written (the
 * rest keeps the reflected bytes): pass the part a later warp reads. Both passes run in WebAssembly.
 */
export function softenPadding(
  img: Pixels<Uint8Array>,
  blurred: Uint8Array,
  [left, top, right, bottom]: readonly [number, number, number, number],
  region: Region = { left: 0, top: 0, width: img.width, height: img.height },
): void {
  const { width: w, height: h, channels: c, data } = img;
  const maskX = Float64Array.from({ length: w }, (_, x) => 1 - min(x / left, (w - 1 - x) / right));
  const maskY = Float64Array.from({ length: h }, (_, y) => 1 - min(y / top, (h - 1 - y) / bottom));
  const [imgAt, blurredAt, maskXAt, maskYAt, histAt, mediansAt] = warpKernels.layout(
    data.length,
    data.length,
    maskX.byteLength,
    maskY.byteLength,
    c * MEDIAN_BINS * 4,
    c * 8,
  );
  warpKernels.uint8(imgAt, data.length).set(data);
  warpKernels.uint8(blurredAt, data.length).set(blurred);
  warpKernels.float64(maskXAt, w).set(maskX);
  warpKernels.float64(maskYAt, h).set(maskY);
  const hist = new Uint32Array(warpKernels.fn.memory.buffer, histAt, c * MEDIAN_BINS).fill(0);
  warpKernels.fn.softenHistogram(imgAt, blurredAt, w, h, c, maskXAt, maskYAt, histAt);
  const medians = warpKernels.float64(mediansAt, c);
  for (let k = 0; k < c; k++) medians[k] = histogramMedian(hist, k * MEDIAN_BINS, w * h);
  const { left: x0, top: y0, width: rw, height: rh } = region;
  warpKernels.fn.softenApply(imgAt, blurredAt, w, c, maskXAt, maskYAt, mediansAt, x0, y0, x0 + rw, y0 + rh);
  const from = y0 * w * c;
  data.set(warpKernels.uint8(imgAt + from, rh * w * c), from);
}

/** The `region` of the image, as sharp's extract. */
export function cropPixels(src: Pixels<Uint8Array>, region: Region): Pixels<Uint8Array> {
  const { width: w, channels: c } = src;
  const rowBytes = region.width * c;
  const data = new Uint8Array(rowBytes * region.height);
  for (let y = 0; y < region.height; y++) {
    const from = ((region.top + y) * w + region.left) * c;
    data.set(src.data.subarray(from, from + rowBytes), y * rowBytes);
  }
  return { data, width: region.width, height: region.height, channels: c };
}

/**
 * PIL's Image.transform(QUAD, quad + 0.5, BILINEAR) for a parallelogram quad given in pixel-index
 * coordinates (corners top-left, bottom-left, bottom-right, top-right): output pixel (u, v) samples
 * q0 + (q3 − q0)·(u + ½)/size + (q1 − q0)·(v + ½)/size bilinearly; samples off the image are black.
 * Runs in WebAssembly (warp-kernels.wat), bit-identical to the JavaScript reference in warp.spec.ts.
 */
export function warpQuad(
  src: Pixels<Uint8Array>,
  quad: readonly { x: number; y: number }[],
  size: number,
): Pixels<Uint8Array> {
  const { width: w, height: h, channels: c } = src;
  const [q0, q1, , q3] = quad;
  const ux = (q3.x - q0.x) / size;
  const uy = (q3.y - q0.y) / size;
  const vx = (q1.x - q0.x) / size;
  const vy = (q1.y - q0.y) / size;
  const params = [q0.x + ux * 0.5, q0.y + uy * 0.5, ux, uy, vx, vy] as const;
  if (!params.every(Number.isFinite)) throw new Error('warpQuad: the quad has non-finite corners');
  const outBytes = size * size * c;
  const [srcAt, outAt] = warpKernels.layout(src.data.length, outBytes);
  const memory = new Uint8Array(warpKernels.fn.memory.buffer);
  memory.set(src.data, srcAt);
  memory.fill(0, outAt, outAt + outBytes + 16);
  if (c === 3) warpKernels.fn.warp3(srcAt, w, h, outAt, size, ...params);
  else warpKernels.fn.warpAny(srcAt, w, h, c, outAt, size, ...params);
  return { data: memory.slice(outAt, outAt + outBytes), width: size, height: size, channels: c };
}
