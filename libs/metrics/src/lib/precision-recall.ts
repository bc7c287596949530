import { assertSameDim, dot, rowNorms, type FeatureMatrix } from './matrix';

export interface PrecisionRecall {
  precision: number;
  recall: number;
  k: number;
}

/**
 * Improved precision and recall (Kynkäänniemi et al. 2019), as SG2-ADA metrics/precision_recall.py:
 * each set's manifold is the union of balls reaching every vector's k-th nearest neighbour (self
 * excluded); precision = share of fake vectors inside the real manifold, recall = the converse.
 */
export function precisionRecall(real: FeatureMatrix, fake: FeatureMatrix, k = 3): PrecisionRecall {
  assertSameDim(real, fake, 'precision/recall');
  if (real.rows <= k || fake.rows <= k) {
    throw new Error(
      `precision/recall with k=${k} needs more than ${k} vectors per set (got ${real.rows}, ${fake.rows})`,
    );
  }
  return {
    precision: coverage(real, kthNeighbourRadii(real, k), fake),
    recall: coverage(fake, kthNeighbourRadii(fake, k), real),
    k,
  };
}

/** Squared distance from each vector to its k-th nearest neighbour within the same set (self excluded). */
export function kthNeighbourRadii(manifold: FeatureMatrix, k: number): Float64Array {
  const norms = rowNorms(manifold);
  const radii = new Float64Array(manifold.rows);
  const nearest = new Float64Array(k + 1);
  for (let i = 0; i < manifold.rows; i++) {
    nearest.fill(Infinity);
    for (let j = 0; j < manifold.rows; j++) {
      const dist = j === i ? 0 : distance(manifold, i, norms[i], manifold, j, norms[j]);
      if (dist < nearest[k]) insertSorted(nearest, dist);
    }
    radii[i] = nearest[k]; // nearest[0] is the vector itself (distance 0)
  }
  return radii;
}

function coverage(manifold: FeatureMatrix, radii: Float64Array, probes: FeatureMatrix): number {
  const manifoldNorms = rowNorms(manifold);
  const probeNorms = rowNorms(probes);
  let inside = 0;
  for (let p = 0; p < probes.rows; p++) {
    for (let j = 0; j < manifold.rows; j++) {
      if (distance(probes, p, probeNorms[p], manifold, j, manifoldNorms[j]) <= radii[j]) {
        inside++;
        break;
      }
    }
  }
  return inside / probes.rows;
}

/** |a_i − b_j|² = |a_i|² + |b_j|² − 2 a_i·b_j, clamped at 0 against round-off. */
function distance(
  a: FeatureMatrix,
  i: number,
  normA: number,
  b: FeatureMatrix,
  j: number,
  normB: number,
): number {
  return Math.max(normA + normB - 2 * dot(a.data, i * a.cols, b.data, j * b.cols, a.cols), 0);
}

/** Inserts `value` into the ascending array, dropping its largest element. */
function insertSorted(sorted: Float64Array, value: number): void {
  let i = sorted.length - 1;
  while (i > 0 && sorted[i - 1] > value) {
    sorted[i] = sorted[i - 1];
    i--;
  }
  sorted[i] = value;
}
