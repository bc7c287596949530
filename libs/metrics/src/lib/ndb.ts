import { assertSameDim, dot, row, rowNorms, type FeatureMatrix } from './matrix';
import { createRng, type Rng } from './random';

export interface NdbOptions {
  /** Number of k-means bins (NDB paper: 100 for large sets; keep ≥ ~20 samples per bin). */
  k?: number;
  /** Two-proportion z-test significance level (paper: 0.05). */
  alpha?: number;
  seed?: number;
  maxIterations?: number;
}

export interface NdbBin {
  bin: number;
  trainProportion: number;
  testProportion: number;
  z: number;
  pValue: number;
  different: boolean;
}

export interface NdbResult {
  /** Number of statistically different bins. */
  ndb: number;
  k: number;
  /** NDB / K in [0, 1]; near 0 = no sign of mode collapse. */
  ndbOverK: number;
  bins: NdbBin[];
}

/**
 * Number of statistically-different bins (Richardson & Weiss 2018, "On GANs and GMMs"), as seed 002
 * describes: k-means bins on the training set, assign the generated set to the nearest centroid,
 * two-proportion z-test per bin.
 */
export function ndb(train: FeatureMatrix, test: FeatureMatrix, options: NdbOptions = {}): NdbResult {
  assertSameDim(train, test, 'NDB');
  const k = options.k ?? Math.min(50, Math.floor(train.rows / 20));
  if (k < 2) throw new Error(`NDB needs at least 40 training vectors (20 per bin), got ${train.rows}`);
  const alpha = options.alpha ?? 0.05;
  const centroids = kMeans(train, k, createRng(options.seed ?? 0), options.maxIterations ?? 100);
  const trainCounts = binCounts(train, centroids, k);
  const testCounts = binCounts(test, centroids, k);
  const bins = Array.from({ length: k }, (_, bin): NdbBin => {
    const { z, pValue } = twoProportionZTest(trainCounts[bin], train.rows, testCounts[bin], test.rows);
    return {
      bin,
      trainProportion: trainCounts[bin] / train.rows,
      testProportion: testCounts[bin] / test.rows,
      z,
      pValue,
      different: pValue < alpha,
    };
  });
  const different = bins.filter((b) => b.different).length;
  return { ndb: different, k, ndbOverK: different / k, bins };
}

/** Lloyd's k-means with k-means++ seeding; returns k × D centroids. */
export function kMeans(x: FeatureMatrix, k: number, rng: Rng, maxIterations: number): FeatureMatrix {
  const d = x.cols;
  const centroids: FeatureMatrix = { rows: k, cols: d, data: new Float64Array(k * d) };
  seedPlusPlus(x, centroids, rng);
  const assignment = new Int32Array(x.rows).fill(-1);
  for (let iter = 0; iter < maxIterations; iter++) {
    let changed = 0;
    const centroidNorms = rowNorms(centroids);
    for (let i = 0; i < x.rows; i++) {
      const c = nearestCentroid(x, i, centroids, centroidNorms);
      if (c !== assignment[i]) changed++;
      assignment[i] = c;
    }
    recomputeCentroids(x, assignment, centroids, rng);
    if (changed <= x.rows * 1e-3) break; // ≤ 0.1 % of assignments moved: converged for binning purposes
  }
  return centroids;
}

function seedPlusPlus(x: FeatureMatrix, centroids: FeatureMatrix, rng: Rng): void {
  const d = x.cols;
  centroids.data.set(row(x, rng.int(x.rows)), 0);
  const best = new Float64Array(x.rows).fill(Infinity);
  for (let c = 1; c < centroids.rows; c++) {
    const last = row(centroids, c - 1);
    let total = 0;
    for (let i = 0; i < x.rows; i++) {
      best[i] = Math.min(best[i], squaredDistance(row(x, i), last));
      total += best[i];
    }
    let target = rng.next() * total;
    let pick = x.rows - 1;
    for (let i = 0; i < x.rows; i++) {
      target -= best[i];
      if (target <= 0) {
        pick = i;
        break;
      }
    }
    centroids.data.set(row(x, pick), c * d);
  }
}

function recomputeCentroids(
  x: FeatureMatrix,
  assignment: Int32Array,
  centroids: FeatureMatrix,
  rng: Rng,
): void {
  const d = x.cols;
  const counts = new Float64Array(centroids.rows);
  const sums = new Float64Array(centroids.rows * d);
  for (let i = 0; i < x.rows; i++) {
    const c = assignment[i];
    counts[c]++;
    for (let j = 0; j < d; j++) sums[c * d + j] += x.data[i * d + j];
  }
  for (let c = 0; c < centroids.rows; c++) {
    if (counts[c] === 0) {
      centroids.data.set(row(x, rng.int(x.rows)), c * d); // re-seed an empty cluster
      continue;
    }
    for (let j = 0; j < d; j++) centroids.data[c * d + j] = sums[c * d + j] / counts[c];
  }
}

export function binCounts(x: FeatureMatrix, centroids: FeatureMatrix, k: number): Float64Array {
  const counts = new Float64Array(k);
  const centroidNorms = rowNorms(centroids);
  for (let i = 0; i < x.rows; i++) counts[nearestCentroid(x, i, centroids, centroidNorms)]++;
  return counts;
}

/** argmin_c |x_i − c|² = argmin_c (|c|² − 2 x_i·c). */
function nearestCentroid(
  x: FeatureMatrix,
  i: number,
  centroids: FeatureMatrix,
  centroidNorms: Float64Array,
): number {
  let best = 0;
  let bestScore = Infinity;
  for (let c = 0; c < centroids.rows; c++) {
    const score = centroidNorms[c] - 2 * dot(x.data, i * x.cols, centroids.data, c * x.cols, x.cols);
    if (score < bestScore) {
      bestScore = score;
      best = c;
    }
  }
  return best;
}

function squaredDistance(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return s;
}

/** Pooled two-proportion z-test (statsmodels proportions_ztest), two-sided p-value. */
export function twoProportionZTest(
  count1: number,
  n1: number,
  count2: number,
  n2: number,
): { z: number; pValue: number } {
  const p1 = count1 / n1;
  const p2 = count2 / n2;
  const pooled = (count1 + count2) / (n1 + n2);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  if (se === 0) return { z: 0, pValue: 1 };
  const z = (p1 - p2) / se;
  return { z, pValue: 2 * (1 - normalCdf(Math.abs(z))) };
}

/** Φ(x) via erf (Abramowitz & Stegun 7.1.26, |error| < 1.5e-7). */
export function normalCdf(x: number): number {
  const t = 1 / (1 + (0.3275911 * Math.abs(x)) / Math.SQRT2);
  const poly =
    t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-(x * x) / 2);
  return x >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}
