// Math functions aliased once: under Jest's vm context every `Math.x` lookup in a hot loop is slow.
const { fround, sqrt } = Math;

const KERNEL_SIZE = 7;
const KERNEL_RADIUS = 3;
const KERNEL_SIGMA = 7 / 6;
// OpenCV adds 1/255 (converted to the float32 matrix type) to σ to avoid dividing by zero.
const SIGMA_EPSILON = Math.fround(1 / 255);

/** OpenCV's getGaussianKernel(7, 7/6, CV_32F): normalised in double, then rounded to float32. */
export function gaussianKernel(size = KERNEL_SIZE, sigma = KERNEL_SIGMA): Float32Array {
  const half = (size - 1) / 2;
  const weights = new Float64Array(size);
  let sum = 0;
  for (let i = 0; i < size; i++) {
    const d = i - half;
    weights[i] = Math.exp((-d * d) / (2 * sigma * sigma));
    sum += weights[i];
  }
  return Float32Array.from(weights, (w) => w / sum);
}

const KERNEL = gaussianKernel();

/** Work buffers of at least width × height floats each (reused across images by the caller). */
export interface MscnBuffers {
  rowMean: Float32Array;
  rowSquare: Float32Array;
  mscn: Float32Array;
}

/**
 * Mean-subtracted contrast-normalised coefficients (I − μ) / (σ + 1/255), with μ and σ² from a
 * 7×7 Gaussian window (σ = 7/6, replicated border), as OpenCV's BRISQUE computes them: every
 * intermediate map is float32 and the filter passes round like OpenCV's AVX2 (FMA) code.
 * Where float rounding makes a flat patch's variance negative OpenCV gets NaN; we store 0, which
 * every AGGD fit treats identically (neither positive nor negative, counted in the total).
 * Returns the first width × height values of `buffers.mscn`.
 */
export function computeMscn(
  image: Float32Array,
  width: number,
  height: number,
  buffers: MscnBuffers = allocateMscnBuffers(width * height),
): Float32Array {
  const n = width * height;
  if (image.length < n) throw new Error(`MSCN: expected ${n} pixels, got ${image.length}`);
  blurRows(image, width, height, buffers.rowMean, buffers.rowSquare);
  blurColumnsToMscn(image, buffers.rowMean, buffers.rowSquare, width, height, buffers.mscn);
  return buffers.mscn.subarray(0, n);
}

export function allocateMscnBuffers(pixels: number): MscnBuffers {
  return {
    rowMean: new Float32Array(pixels),
    rowSquare: new Float32Array(pixels),
    mscn: new Float32Array(pixels),
  };
}

/** Horizontal 7-tap pass of I and of I² (float32 product), replicated border. */
function blurRows(
  image: Float32Array,
  width: number,
  height: number,
  outMean: Float32Array,
  outSquare: Float32Array,
): void {
  const padded = new Float32Array(width + 2 * KERNEL_RADIUS);
  const paddedSq = new Float32Array(width + 2 * KERNEL_RADIUS);
  const [k0, k1, k2, k3, k4, k5, k6] = KERNEL;
  const f = fround;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = -KERNEL_RADIUS; x < width + KERNEL_RADIUS; x++) {
      const v = image[row + (x < 0 ? 0 : x >= width ? width - 1 : x)];
      padded[x + KERNEL_RADIUS] = v;
      paddedSq[x + KERNEL_RADIUS] = v * v;
    }
    // OpenCV's AVX2 row filter: taps left to right, fused multiply-adds (float32). Written out
    // inline: V8 leaves small helpers un-inlined under Jest's vm context and runs 100× slower.
    for (let x = 0; x < width; x++) {
      let m = f(padded[x] * k0);
      m = f(padded[x + 1] * k1 + m);
      m = f(padded[x + 2] * k2 + m);
      m = f(padded[x + 3] * k3 + m);
      m = f(padded[x + 4] * k4 + m);
      m = f(padded[x + 5] * k5 + m);
      outMean[row + x] = padded[x + 6] * k6 + m;
      let q = f(paddedSq[x] * k0);
      q = f(paddedSq[x + 1] * k1 + q);
      q = f(paddedSq[x + 2] * k2 + q);
      q = f(paddedSq[x + 3] * k3 + q);
      q = f(paddedSq[x + 4] * k4 + q);
      q = f(paddedSq[x + 5] * k5 + q);
      outSquare[row + x] = paddedSq[x + 6] * k6 + q;
    }
  }
}

/** Vertical 7-tap pass (replicated rows) fused with the MSCN arithmetic. */
function blurColumnsToMscn(
  image: Float32Array,
  rowMean: Float32Array,
  rowSquare: Float32Array,
  width: number,
  height: number,
  out: Float32Array,
): void {
  const [k0, k1, k2, k3] = KERNEL;
  const last = height - 1;
  for (let y = 0; y < height; y++) {
    const r0 = y * width;
    const rm1 = Math.max(y - 1, 0) * width;
    const rm2 = Math.max(y - 2, 0) * width;
    const rm3 = Math.max(y - 3, 0) * width;
    const rp1 = Math.min(y + 1, last) * width;
    const rp2 = Math.min(y + 2, last) * width;
    const rp3 = Math.min(y + 3, last) * width;
    for (let x = 0; x < width; x++) {
      // OpenCV's symmetric column filter: centre tap, then mirrored pairs outwards, FMAs.
      let mu = fround(rowMean[r0 + x] * k3);
      mu = fround(k2 * fround(rowMean[rm1 + x] + rowMean[rp1 + x]) + mu);
      mu = fround(k1 * fround(rowMean[rm2 + x] + rowMean[rp2 + x]) + mu);
      mu = fround(k0 * fround(rowMean[rm3 + x] + rowMean[rp3 + x]) + mu);
      let blurredSquare = fround(rowSquare[r0 + x] * k3);
      blurredSquare = fround(k2 * fround(rowSquare[rm1 + x] + rowSquare[rp1 + x]) + blurredSquare);
      blurredSquare = fround(k1 * fround(rowSquare[rm2 + x] + rowSquare[rp2 + x]) + blurredSquare);
      blurredSquare = fround(k0 * fround(rowSquare[rm3 + x] + rowSquare[rp3 + x]) + blurredSquare);
      const sigma = fround(fround(sqrt(fround(blurredSquare - fround(mu * mu)))) + SIGMA_EPSILON);
      const coefficient = fround(fround(image[r0 + x] - mu) / sigma);
      out[r0 + x] = coefficient === coefficient ? coefficient : 0; // NaN → 0, see computeMscn
    }
  }
}
