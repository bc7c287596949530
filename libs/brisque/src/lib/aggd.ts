import { momentRatio } from './gamma';

// Math functions aliased once: under Jest's vm context every `Math.x` lookup in a hot loop is slow.
const { abs, sqrt } = Math;

/** Asymmetric generalised Gaussian fit: left/right standard deviations and the common shape. */
export interface AggdFit {
  leftSigma: number;
  rightSigma: number;
  shape: number;
}

/** Running sums over one sample set, accumulated in the order OpenCV visits pixels (row-major). */
export class AggdSums {
  positiveCount = 0;
  negativeCount = 0;
  positiveSquares = 0;
  negativeSquares = 0;
  absoluteSum = 0;
  total = 0;
}

interface ShapeGrid {
  shapes: Float64Array;
  ratios: Float64Array;
}

let shapeGrid: ShapeGrid | undefined;

/**
 * OpenCV scans γ = 0.2, 0.201, … (< 10) by repeated `+= 0.001` and stops at the first γ whose
 * |ρ(γ) − r̂| grows. We tabulate the same accumulated γ values once instead of calling tgamma
 * three times per step per fit.
 */
function getShapeGrid(): ShapeGrid {
  if (shapeGrid) return shapeGrid;
  const values: number[] = [];
  for (let shape = 0.2; shape < 10; shape += 0.001) values.push(shape);
  const shapes = Float64Array.from(values);
  const ratios = shapes.map(momentRatio);
  shapeGrid = { shapes, ratios };
  return shapeGrid;
}

/** Grid search exactly as OpenCV's AGGDfit loop, including its behaviour on NaN (runs to the end). */
export function searchShape(normalisedRatio: number): number {
  const { shapes, ratios } = getShapeGrid();
  let previousShape = 0;
  let previousDiff = 1e10;
  for (let i = 0; i < shapes.length; i++) {
    const diff = abs(ratios[i] - normalisedRatio);
    if (diff > previousDiff) break;
    previousDiff = diff;
    previousShape = shapes[i];
  }
  return previousShape;
}

/** Finishes the fit from accumulated sums (moment matching of Lasmar et al., as in OpenCV). */
export function fitAggdFromSums(sums: AggdSums): AggdFit {
  const leftSigma = sqrt(sums.negativeSquares / sums.negativeCount);
  const rightSigma = sqrt(sums.positiveSquares / sums.positiveCount);
  const gammaHat = leftSigma / rightSigma;
  const meanAbs = sums.absoluteSum / sums.total;
  const rHat = (meanAbs * meanAbs) / ((sums.negativeSquares + sums.positiveSquares) / sums.total);
  const gammaHatSq = gammaHat * gammaHat;
  const rHatNorm =
    (rHat * (gammaHatSq * gammaHat + 1) * (gammaHat + 1)) / ((gammaHatSq + 1) * (gammaHatSq + 1));
  return { leftSigma, rightSigma, shape: searchShape(rHatNorm) };
}

/** Adds one sample; zeros count towards the total only, as in OpenCV. */
export function addSample(sums: AggdSums, value: number): void {
  sums.total++;
  if (value > 0) {
    sums.positiveCount++;
    sums.positiveSquares += value * value;
    sums.absoluteSum += value;
  } else if (value < 0) {
    sums.negativeCount++;
    sums.negativeSquares += value * value;
    sums.absoluteSum -= value;
  }
}

/** AGGD fit of a whole sample array. */
export function fitAggd(values: ArrayLike<number>): AggdFit {
  const sums = new AggdSums();
  for (let i = 0; i < values.length; i++) addSample(sums, values[i]);
  return fitAggdFromSums(sums);
}
