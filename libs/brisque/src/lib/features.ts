import { AggdSums, fitAggdFromSums } from './aggd';
import { gammaFunction } from './gamma';
import type { GrayImage } from './gray';
import { allocateMscnBuffers, computeMscn, type MscnBuffers } from './mscn';
import { resizeCubic } from './resize-cubic';

// Math functions aliased once: under Jest's vm context every `Math.x` lookup in a hot loop is slow.
const { abs, fround } = Math;

export const FEATURE_COUNT = 36;

let buffers: MscnBuffers = allocateMscnBuffers(0);

/** Work buffers reused across images (grown when needed): no per-image allocation churn. */
function buffersFor(pixels: number): MscnBuffers {
  if (buffers.mscn.length < pixels) buffers = allocateMscnBuffers(pixels);
  return buffers;
}

/** Pairwise-product orientations (row shift, column shift): H, V, D1, D2 — OpenCV's order. */
const ORIENTATIONS: readonly (readonly [number, number])[] = [
  [0, 1],
  [1, 0],
  [1, 1],
  [-1, 1],
];

/** OpenCV's 36 BRISQUE features (18 per scale, full then half size), float32-rounded like OpenCV's. */
export function computeFeatures(gray: GrayImage): Float64Array {
  const { width, height } = gray;
  if (width < 2 || height < 2) {
    throw new Error(`BRISQUE needs an image of at least 2×2 pixels (got ${width}×${height})`);
  }
  const features = new Float64Array(FEATURE_COUNT);
  let next = 0;
  const push = (value: number): void => {
    features[next++] = fround(value);
  };
  for (let scale = 0; scale < 2; scale++) {
    // OpenCV: Size(int(cols / 2^s), int(rows / 2^s)); resize is a copy at scale 0.
    const w = Math.trunc(width / 2 ** scale);
    const h = Math.trunc(height / 2 ** scale);
    const scaled = scale === 0 ? gray.data : resizeCubic(gray.data, width, height, w, h);
    const mscn = computeMscn(scaled, w, h, buffersFor(w * h));

    const fit = fitAggdFromSums(accumulate(mscn, w, h, 0, 0));
    push(fit.shape);
    push(fround(fit.leftSigma * fit.leftSigma + fit.rightSigma * fit.rightSigma) / 2);
    for (const [dy, dx] of ORIENTATIONS) {
      const pair = fitAggdFromSums(accumulate(mscn, w, h, dy, dx));
      const g1 = gammaFunction(1 / pair.shape);
      const constant = Math.sqrt(g1) / Math.sqrt(gammaFunction(3 / pair.shape));
      const mean = (pair.rightSigma - pair.leftSigma) * (gammaFunction(2 / pair.shape) / g1) * constant;
      push(pair.shape);
      push(mean);
      push(pair.leftSigma * pair.leftSigma);
      push(pair.rightSigma * pair.rightSigma);
    }
  }
  return features;
}

/**
 * AGGD sums of m(y, x)·m(y+dy, x+dx) over the whole map (float32 products; pairs leaving the image
 * count as zeros, as OpenCV's zero-filled shifted copy does). dy = dx = 0 means the MSCN map itself.
 * Branch-free on the sign (random signs defeat branch prediction); adding 0 leaves each double sum
 * bit-identical to OpenCV's sign-branching loop.
 */
function accumulate(mscn: Float32Array, width: number, height: number, dy: number, dx: number): AggdSums {
  const self = dy === 0 && dx === 0;
  let positiveCount = 0;
  let negativeCount = 0;
  let positiveSquares = 0;
  let negativeSquares = 0;
  let absoluteSum = 0;
  for (let y = 0; y < height; y++) {
    const ny = y + dy;
    if (ny < 0 || ny >= height) continue;
    const start = y * width;
    const end = start + (self ? width : width - dx);
    const offset = (ny - y) * width + dx;
    for (let i = start; i < end; i++) {
      const v = self ? mscn[i] : fround(mscn[i] * mscn[i + offset]);
      const square = v * v;
      const positive = +(v > 0);
      positiveCount += positive;
      negativeCount += +(v < 0);
      positiveSquares += positive * square;
      negativeSquares += (1 - positive) * square;
      absoluteSum += abs(v);
    }
  }
  const sums = new AggdSums();
  sums.positiveCount = positiveCount;
  sums.negativeCount = negativeCount;
  sums.positiveSquares = positiveSquares;
  sums.negativeSquares = negativeSquares;
  sums.absoluteSum = absoluteSum;
  sums.total = width * height;
  return sums;
}
