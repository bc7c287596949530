/**
 * Pillow-compatible separable resampling of 8-bit images (`Image.resize` with LANCZOS / BILINEAR,
 * no `reducing_gap`), so masks and U-2-Net inputs match rembg and the seed's script byte for byte.
 * Same maths as Pillow's Resample.c: antialiased kernels (support scaled when shrinking),
 * 22-bit fixed-point weights, horizontal pass first, rounded 8-bit intermediate.
 */

export type ResampleFilter = 'lanczos' | 'bilinear';

interface Kernel {
  support: number;
  weight: (x: number) => number;
}

function sinc(x: number): number {
  if (x === 0) return 1;
  const px = x * Math.PI;
  return Math.sin(px) / px;
}

const KERNELS: Record<ResampleFilter, Kernel> = {
  bilinear: { support: 1, weight: (x) => Math.max(0, 1 - Math.abs(x)) },
  lanczos: { support: 3, weight: (x) => (x >= -3 && x < 3 ? sinc(x) * sinc(x / 3) : 0) },
};

const PRECISION_BITS = 32 - 8 - 2;

interface Coefficients {
  /** First input index for each output index. */
  start: Int32Array;
  /** Number of taps for each output index. */
  count: Int32Array;
  /** Fixed-point weights, `taps` per output index. */
  weights: Int32Array;
  taps: number;
}

function coefficients(inSize: number, outSize: number, kernel: Kernel): Coefficients {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = kernel.support * filterScale;
  const taps = Math.ceil(support) * 2 + 1;
  const start = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const weights = new Int32Array(outSize * taps);
  const row = new Float64Array(taps);
  for (let xx = 0; xx < outSize; xx++) {
    const center = (xx + 0.5) * scale;
    const xmin = Math.max(0, Math.trunc(center - support + 0.5));
    const xmax = Math.min(inSize, Math.trunc(center + support + 0.5)) - xmin;
    let total = 0;
    for (let x = 0; x < xmax; x++) {
      row[x] = kernel.weight((x + xmin - center + 0.5) / filterScale);
      total += row[x];
    }
    for (let x = 0; x < xmax; x++) {
      const w = total !== 0 ? row[x] / total : row[x];
      weights[xx * taps + x] = Math.trunc(
        w < 0 ? -0.5 + w * (1 << PRECISION_BITS) : 0.5 + w * (1 << PRECISION_BITS),
      );
    }
    start[xx] = xmin;
    count[xx] = xmax;
  }
  return { start, count, weights, taps };
}

/** Pillow's clip8: fixed-point sum → 0..255. Sums stay within int32, as in Pillow's C. */
function clip8(sum: number): number {
  const v = sum >> PRECISION_BITS;
  return v < 0 ? 0 : v > 255 ? 255 : v;
}

const HALF = 1 << (PRECISION_BITS - 1);

function resizeHorizontal(
  src: Uint8Array,
  w: number,
  h: number,
  ch: number,
  outW: number,
  kernel: Kernel,
): Uint8Array {
  const { start, count, weights, taps } = coefficients(w, outW, kernel);
  const out = new Uint8Array(outW * h * ch);
  for (let y = 0; y < h; y++) {
    const rowIn = y * w * ch;
    let o = y * outW * ch;
    for (let xx = 0; xx < outW; xx++) {
      const k = xx * taps;
      const n = count[xx];
      const first = rowIn + start[xx] * ch;
      if (ch === 3) {
        // RGB unrolled: one weight load per tap for all three channels.
        let r = HALF;
        let g = HALF;
        let b = HALF;
        for (let x = 0, p = first; x < n; x++, p += 3) {
          const weight = weights[k + x];
          r = (r + src[p] * weight) | 0;
          g = (g + src[p + 1] * weight) | 0;
          b = (b + src[p + 2] * weight) | 0;
        }
        out[o++] = clip8(r);
        out[o++] = clip8(g);
        out[o++] = clip8(b);
        continue;
      }
      for (let c = 0; c < ch; c++) {
        let sum = HALF;
        for (let x = 0, p = first + c; x < n; x++, p += ch) sum = (sum + src[p] * weights[k + x]) | 0;
        out[o++] = clip8(sum);
      }
    }
  }
  return out;
}

function resizeVertical(
  src: Uint8Array,
  w: number,
  h: number,
  ch: number,
  outH: number,
  kernel: Kernel,
): Uint8Array {
  const { start, count, weights, taps } = coefficients(h, outH, kernel);
  const stride = w * ch;
  const out = new Uint8Array(stride * outH);
  const sums = new Int32Array(stride);
  for (let yy = 0; yy < outH; yy++) {
    // Row-at-a-time accumulation walks memory sequentially (a column walk would stride through it).
    sums.fill(HALF);
    const k = yy * taps;
    for (let y = 0; y < count[yy]; y++) {
      const weight = weights[k + y];
      const row = (start[yy] + y) * stride;
      for (let i = 0; i < stride; i++) sums[i] = (sums[i] + src[row + i] * weight) | 0;
    }
    const o = yy * stride;
    for (let i = 0; i < stride; i++) out[o + i] = clip8(sums[i]);
  }
  return out;
}

/** Resizes interleaved 8-bit pixels (`channels` per pixel) exactly like Pillow's `Image.resize`. */
export function resizeU8(
  src: Uint8Array,
  width: number,
  height: number,
  channels: number,
  outWidth: number,
  outHeight: number,
  filter: ResampleFilter,
): Uint8Array {
  if (src.length !== width * height * channels) {
    throw new Error(`resizeU8: ${src.length} bytes do not make a ${width}×${height}×${channels} image`);
  }
  const kernel = KERNELS[filter];
  const horizontal =
    outWidth !== width ? resizeHorizontal(src, width, height, channels, outWidth, kernel) : src;
  return outHeight !== height
    ? resizeVertical(horizontal, outWidth, height, channels, outHeight, kernel)
    : horizontal;
}
