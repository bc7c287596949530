import { kernels } from './kernels';

const KERNEL_SIZE = 7;
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

// Symmetric: the kernels use k0…k3 for taps 0…6.
const [K0, K1, K2, K3] = gaussianKernel();

/** An MSCN map in kernel memory: `stride` floats per row, zero padding right, above and below. */
export interface MscnMap {
  address: number;
  stride: number;
}

/** Row stride ≥ width + 1 (a zero column for the right-hand pair products), a multiple of 4. */
function mscnStride(width: number): number {
  return Math.ceil((width + 1) / 4) * 4;
}

/**
 * MSCN map of the float32 width × height image at byte address `image` of kernel memory (see
 * computeMscn), in memory allocated from the current kernel arena.
 */
export function mscnInKernelMemory(image: number, width: number, height: number): MscnMap {
  const stride = mscnStride(width);
  const rowBytes = stride * 4;
  const rowMean = kernels.allocate(rowBytes * height);
  const rowSquare = kernels.allocate(rowBytes * height);
  const pad = kernels.allocate(2 * (width + 16) * 8);
  const address = kernels.allocate(rowBytes * (height + 2)) + rowBytes;
  kernels.fn.blurRows(image, width, height, stride, pad, rowMean, rowSquare, K0, K1, K2, K3);
  kernels.fn.blurColumnsToMscn(
    image,
    width,
    height,
    stride,
    rowMean,
    rowSquare,
    address,
    K0,
    K1,
    K2,
    K3,
    SIGMA_EPSILON,
  );
  return { address, stride };
}

/**
 * Mean-subtracted contrast-normalised coefficients (I − μ) / (σ + 1/255), with μ and σ² from a
 * 7×7 Gaussian window (σ = 7/6, replicated border), as OpenCV's BRISQUE computes them: every
 * intermediate map is float32 and the filter passes round like OpenCV's AVX2 (FMA) code
 * (kernels.wat). Where float rounding makes a flat patch's variance negative OpenCV gets NaN; we
 * store 0, which every AGGD fit treats identically (neither positive nor negative, counted in the total).
 */
export function computeMscn(image: Float32Array, width: number, height: number): Float32Array {
  const n = width * height;
  if (image.length < n) throw new Error(`MSCN: expected ${n} pixels, got ${image.length}`);
  if (n === 0) return new Float32Array(0);
  kernels.reset();
  const input = kernels.allocate(n * 4);
  kernels.float32(input, n).set(image.subarray(0, n));
  const map = mscnInKernelMemory(input, width, height);
  const padded = kernels.float32(map.address, map.stride * height);
  const out = new Float32Array(n);
  for (let y = 0; y < height; y++)
    out.set(padded.subarray(y * map.stride, y * map.stride + width), y * width);
  return out;
}
