import { assertSameDim, dot, type FeatureMatrix } from './matrix';
import { matmul, symmetricEigen, trace, transpose } from './linalg';

/** Mean and covariance of a feature set (float64). */
export interface FeatureStats {
  count: number;
  dim: number;
  mean: Float64Array;
  /** dim × dim, row-major. Population covariance (÷N) as in SG2-ADA's FeatureStats.get_mean_cov. */
  cov: Float64Array;
}

export function featureStats(x: FeatureMatrix): FeatureStats {
  const { rows: n, cols: d, data } = x;
  if (n < 2) throw new Error(`need at least 2 feature vectors for a covariance, got ${n}`);
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) mean[k] += data[i * d + k];
  for (let k = 0; k < d; k++) mean[k] /= n;
  // centred features stored column-major (d × n) so each covariance entry is one contiguous dot product
  const centredT = new Float64Array(d * n);
  for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) centredT[k * n + i] = data[i * d + k] - mean[k];
  const cov = new Float64Array(d * d);
  for (let a = 0; a < d; a++) {
    for (let b = a; b < d; b++) {
      const value = dot(centredT, a * n, centredT, b * n, n) / n;
      cov[a * d + b] = value;
      cov[b * d + a] = value;
    }
  }
  return { count: n, dim: d, mean, cov };
}

/**
 * Fréchet distance between two Gaussians:
 * |μ1 − μ2|² + tr C1 + tr C2 − 2 tr sqrt(C1 C2).
 * tr sqrt(C1 C2) is taken from the eigenvalues of the symmetric PSD matrix sqrt(C1) C2 sqrt(C1)
 * (same spectrum as C1 C2), so no non-symmetric sqrtm and no complex parts are ever needed.
 */
export function frechetDistance(a: FeatureStats, b: FeatureStats): number {
  if (a.dim !== b.dim) throw new Error(`FID: feature dimensions differ (${a.dim} vs ${b.dim})`);
  const n = a.dim;
  let meanTerm = 0;
  for (let k = 0; k < n; k++) meanTerm += (a.mean[k] - b.mean[k]) ** 2;
  const sqrtA = symmetricSqrt(a.cov, n);
  const m = matmul(matmul(sqrtA, b.cov, n), sqrtA, n);
  symmetrize(m, n);
  const { values } = symmetricEigen(m, n, false);
  let traceSqrt = 0;
  for (const lambda of values) traceSqrt += Math.sqrt(Math.max(lambda, 0));
  return meanTerm + trace(a.cov, n) + trace(b.cov, n) - 2 * traceSqrt;
}

export function fid(real: FeatureMatrix, fake: FeatureMatrix): number {
  assertSameDim(real, fake, 'FID');
  return frechetDistance(featureStats(real), featureStats(fake));
}

/** Principal square root of a symmetric PSD matrix (negative round-off eigenvalues clamped to 0). */
export function symmetricSqrt(a: Float64Array, n: number): Float64Array {
  const { values, vectors } = symmetricEigen(a, n, true);
  const v = vectors as Float64Array;
  const scaled = new Float64Array(n * n);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) scaled[r * n + c] = v[r * n + c] * Math.sqrt(Math.max(values[c], 0));
  }
  const out = matmul(scaled, transpose(v, n), n);
  symmetrize(out, n);
  return out;
}

function symmetrize(m: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const avg = (m[i * n + j] + m[j * n + i]) / 2;
      m[i * n + j] = avg;
      m[j * n + i] = avg;
    }
  }
}
