import { assertSameDim, dot, selectRows, type FeatureMatrix } from './matrix';
import { createRng, sampleWithoutReplacement } from './random';

export interface KidOptions {
  /** SG2-ADA: 100 subsets. */
  numSubsets?: number;
  /** SG2-ADA: at most 1000 vectors per subset. */
  maxSubsetSize?: number;
  seed?: number;
}

export interface KidResult {
  kid: number;
  numSubsets: number;
  subsetSize: number;
}

/**
 * Kernel Inception Distance: unbiased MMD² with the cubic polynomial kernel k(x,y) = (x·y/d + 1)³,
 * averaged over random subsets — the estimator of SG2-ADA metrics/kernel_inception_distance.py.
 */
export function kid(real: FeatureMatrix, fake: FeatureMatrix, options: KidOptions = {}): KidResult {
  assertSameDim(real, fake, 'KID');
  const numSubsets = options.numSubsets ?? 100;
  const m = Math.min(real.rows, fake.rows, options.maxSubsetSize ?? 1000);
  if (m < 2)
    throw new Error(`KID needs at least 2 vectors in each set (got ${real.rows} real, ${fake.rows} fake)`);
  const rng = createRng(options.seed ?? 0);
  const d = real.cols;
  let t = 0;
  for (let s = 0; s < numSubsets; s++) {
    const x = selectRows(fake, sampleWithoutReplacement(rng, fake.rows, m));
    const y = selectRows(real, sampleWithoutReplacement(rng, real.rows, m));
    const kxx = kernelSum(x, x, d, true);
    const kyy = kernelSum(y, y, d, true);
    const kxy = kernelSum(x, y, d, false);
    t += (kxx + kyy) / (m - 1) - (kxy * 2) / m;
  }
  return { kid: t / numSubsets / m, numSubsets, subsetSize: m };
}

/** Σ k(a_i, b_j) over all rows; `offDiagonal` sums i ≠ j of a symmetric block (each pair computed once). */
function kernelSum(a: FeatureMatrix, b: FeatureMatrix, d: number, offDiagonal: boolean): number {
  let sum = 0;
  for (let i = 0; i < a.rows; i++) {
    for (let j = offDiagonal ? i + 1 : 0; j < b.rows; j++) {
      const k = dot(a.data, i * d, b.data, j * d, d) / d + 1;
      sum += k * k * k;
    }
  }
  return offDiagonal ? 2 * sum : sum;
}
