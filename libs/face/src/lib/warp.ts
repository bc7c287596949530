import { layoutBlocks, warpKernels } from './warp-kernels';

/** Pixel-level pieces of FFHQ alignment that sharp has no operation for. Pure, on interleaved buffers. */

// Local bindings: inside Jest's vm context every `Math.x` lookup in a hot loop is ~20× slower.
const { round, min, max } = Math;

/** Interleaved pixels of any numeric type. */
export interface Pixels<T extends Uint8Array | Float32Array> {
  data: T;
  width: number;
  height: number;
  channels: number;
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
  const data = new Uint8Array(width * height * c);
  const columns = Int32Array.from({ length: width }, (_, x) => reflectIndex(x - left, w) * c);
  for (let y = 0; y < height; y++) {
    const srcRow = reflectIndex(y - top, h) * w * c;
    let o = y * width * c;
    for (let x = 0; x < width; x++) {
      const s = srcRow + columns[x];
      for (let k = 0; k < c; k++) data[o++] = src.data[s + k];
    }
  }
  return { data, width, height, channels: c };
}

/** Per-channel median over all pixels, from a 1/64-level histogram (exact to ±1/128). */
export function channelMedians(img: Pixels<Float32Array>): number[] {
  const bins = 256 * 64;
  const n = img.width * img.height;
  const medians: number[] = [];
  for (let k = 0; k < img.channels; k++) {
    const hist = new Uint32Array(bins);
    for (let i = k; i < img.data.length; i += img.channels) {
      const v = min(bins - 1, max(0, round(img.data[i] * 64)));
      hist[v]++;
    }
    let seen = 0;
    let bin = 0;
    while (bin < bins && seen + hist[bin] <= (n - 1) / 2) seen += hist[bin++];
    medians.push(bin / 64);
  }
  return medians;
}

/**
 * FFHQ's soft border, in place: img += (blurred − img)·clip(3·mask + 1, 0, 1), then
 * img += (median − img)·clip(mask, 0, 1), with mask rising from the original edge into the padding.
 */
export function blendPadding(
  img: Pixels<Float32Array>,
  blurred: ArrayLike<number>,
  [left, top, right, bottom]: readonly [number, number, number, number],
): void {
  const { width: w, height: h, channels: c, data } = img;
  const clip01 = (v: number) => (v < 0 ? 0 : v > 1 ? 1 : v);
  const maskAt = (x: number, y: number) =>
    max(1 - min(x / left, (w - 1 - x) / right), 1 - min(y / top, (h - 1 - y) / bottom));
  for (let y = 0, i = 0; y < h; y++) {
    for (let x = 0; x < w; x++, i += c) {
      const a = clip01(maskAt(x, y) * 3 + 1);
      for (let k = 0; k < c; k++) data[i + k] += (blurred[i + k] - data[i + k]) * a;
    }
  }
  const medians = channelMedians(img);
  for (let y = 0, i = 0; y < h; y++) {
    for (let x = 0; x < w; x++, i += c) {
      const a = clip01(maskAt(x, y));
      if (a === 0) continue;
      for (let k = 0; k < c; k++) data[i + k] += (medians[k] - data[i + k]) * a;
    }
  }
}

/** np.uint8(np.clip(np.rint(img), 0, 255)) */
export function toBytes(img: Pixels<Float32Array>): Pixels<Uint8Array> {
  const data = new Uint8Array(img.data.length);
  for (let i = 0; i < data.length; i++) {
    const v = round(img.data[i]);
    data[i] = v < 0 ? 0 : v > 255 ? 255 : v;
  }
  return { data, width: img.width, height: img.height, channels: img.channels };
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
  const [srcAt, outAt] = layoutBlocks(src.data.length, outBytes);
  const memory = new Uint8Array(warpKernels.memory.buffer);
  memory.set(src.data, srcAt);
  memory.fill(0, outAt, outAt + outBytes + 16);
  if (c === 3) warpKernels.warp3(srcAt, w, h, outAt, size, ...params);
  else warpKernels.warpAny(srcAt, w, h, c, outAt, size, ...params);
  return { data: memory.slice(outAt, outAt + outBytes), width: size, height: size, channels: c };
}
