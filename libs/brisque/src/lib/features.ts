import type { RawImage } from '@portrait-forge/image-io';
import { AggdSums, fitAggdFromSums } from './aggd';
import { gammaFunction } from './gamma';
import { checkPixelBuffer, unitGrayInKernelMemory } from './gray';
import { kernels } from './kernels';
import { type MscnMap, mscnInKernelMemory } from './mscn';
import { resizeInKernelMemory } from './resize-cubic';

// Math functions aliased once: under Jest's vm context every `Math.x` lookup in a hot loop is slow.
const { fround } = Math;

export const FEATURE_COUNT = 36;

/** Per sample set in `accumulate`'s output: positive/negative count, Σ positive v², Σ other v², Σ |v|. */
const SUMS_STRIDE = 5;
/** accumulate's order: the MSCN map itself, then the pair products H, V, D1, D2 — OpenCV's order. */
const SAMPLE_SETS = 5;

/** OpenCV's 36 BRISQUE features (18 per scale, full then half size), float32-rounded like OpenCV's. */
export function computeFeatures(image: RawImage): Float64Array {
  const { width, height } = image;
  checkPixelBuffer(image);
  if (width < 2 || height < 2) {
    throw new Error(`BRISQUE needs an image of at least 2×2 pixels (got ${width}×${height})`);
  }
  kernels.reset();
  const gray = unitGrayInKernelMemory(image);
  const scaleWork = kernels.mark();
  const features = new Float64Array(FEATURE_COUNT);
  let next = 0;
  const push = (value: number): void => {
    features[next++] = fround(value);
  };
  for (let scale = 0; scale < 2; scale++) {
    // OpenCV: Size(int(cols / 2^s), int(rows / 2^s)); resize is a copy at scale 0.
    const w = Math.trunc(width / 2 ** scale);
    const h = Math.trunc(height / 2 ** scale);
    kernels.reset(scaleWork); // the half scale reuses the full scale's work memory
    const scaled = scale === 0 ? gray : resizeInKernelMemory(gray, width, height, w, h);
    const sets = accumulate(mscnInKernelMemory(scaled, w, h), w, h);

    const fit = fitAggdFromSums(sets[0]);
    push(fit.shape);
    push(fround(fit.leftSigma * fit.leftSigma + fit.rightSigma * fit.rightSigma) / 2);
    for (let o = 1; o < SAMPLE_SETS; o++) {
      const pair = fitAggdFromSums(sets[o]);
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
 * AGGD sums of the MSCN map and of m(y, x)·m(y+dy, x+dx) for H, V, D1, D2 (float32 products; pairs
 * leaving the image count as zeros, as OpenCV's zero-filled shifted copy does), each double sum in
 * OpenCV's row-major order.
 */
export function accumulate(map: MscnMap, width: number, height: number): AggdSums[] {
  const address = kernels.allocate(SAMPLE_SETS * SUMS_STRIDE * 8);
  kernels.fn.accumulate(map.address, width, height, map.stride, address);
  const raw = kernels.float64(address, SAMPLE_SETS * SUMS_STRIDE);
  return Array.from({ length: SAMPLE_SETS }, (_, o) => {
    const sums = new AggdSums();
    const at = o * SUMS_STRIDE;
    sums.positiveCount = raw[at];
    sums.negativeCount = raw[at + 1];
    sums.positiveSquares = raw[at + 2];
    sums.negativeSquares = raw[at + 3];
    sums.absoluteSum = raw[at + 4];
    sums.total = width * height;
    return sums;
  });
}
