import { featureMatrix, type FeatureMatrix } from '../matrix';
import type { Rng } from '../random';

/** n samples of N(mean, L Lᵀ) for a lower-triangular (or any) factor L (row-major d × d). */
export function sampleGaussian(rng: Rng, n: number, mean: number[], factor: number[][]): FeatureMatrix {
  const d = mean.length;
  const out = featureMatrix(n, d);
  const z = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < d; k++) z[k] = rng.normal();
    for (let r = 0; r < d; r++) {
      let v = mean[r];
      for (let k = 0; k < d; k++) v += factor[r][k] * z[k];
      out.data[i * d + r] = v;
    }
  }
  return out;
}

/** n samples from an isotropic mixture whose component of each sample is drawn from `modes`. */
export function sampleMixture(
  rng: Rng,
  n: number,
  centres: number[][],
  modes: number[],
  sigma: number,
): FeatureMatrix {
  const d = centres[0].length;
  const out = featureMatrix(n, d);
  for (let i = 0; i < n; i++) {
    const c = centres[modes[rng.int(modes.length)]];
    for (let k = 0; k < d; k++) out.data[i * d + k] = c[k] + sigma * rng.normal();
  }
  return out;
}

export function randomCentres(rng: Rng, count: number, d: number, spread: number): number[][] {
  return Array.from({ length: count }, () => Array.from({ length: d }, () => spread * rng.normal()));
}
