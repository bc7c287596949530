import { fid, featureStats, frechetDistance, symmetricSqrt } from './fid';
import { matmul } from './linalg';
import { createRng } from './random';
import { sampleGaussian } from '../testing';

describe('FID', () => {
  it('matches the analytic Fréchet distance of two non-commuting 2-d Gaussians within 1 %', () => {
    // C1 = L1 L1ᵀ, C2 = L2 L2ᵀ; for 2 × 2, tr sqrt(C1 C2) = sqrt(tr(C1 C2) + 2 sqrt(det(C1 C2))).
    const l1 = [
      [2, 0],
      [0.5, 1],
    ];
    const l2 = [
      [1, 0],
      [-0.8, 1.5],
    ];
    const c1 = [4, 1, 1, 1.25];
    const c2 = [1, -0.8, -0.8, 0.64 + 2.25];
    const prod = [c1[0] * c2[0] + c1[1] * c2[2], 0, 0, c1[2] * c2[1] + c1[3] * c2[3]];
    const det = (c1[0] * c1[3] - c1[1] * c1[2]) * (c2[0] * c2[3] - c2[1] * c2[2]);
    const trSqrt = Math.sqrt(prod[0] + prod[3] + 2 * Math.sqrt(det));
    const mu1 = [0, 0];
    const mu2 = [1.5, -1];
    const analytic = 1.5 ** 2 + 1 + c1[0] + c1[3] + c2[0] + c2[3] - 2 * trSqrt;
    const a = sampleGaussian(createRng(1), 100000, mu1, l1);
    const b = sampleGaussian(createRng(2), 100000, mu2, l2);
    const measured = fid(a, b);
    expect(Math.abs(measured - analytic) / analytic).toBeLessThan(0.01);
  });

  it('matches Σ(√a − √b)² + |Δμ|² for rotated 16-d Gaussians within 1 %', () => {
    const d = 16;
    const rng = createRng(3);
    // random rotation from the eigenvectors of a random symmetric matrix
    const sym = new Float64Array(d * d);
    for (let i = 0; i < d; i++) for (let j = i; j < d; j++) sym[i * d + j] = sym[j * d + i] = rng.normal();
    const rot = symmetricSqrt(matmul(sym, sym, d), d); // a dense matrix to orthonormalise
    const varsA = Array.from({ length: d }, (_, i) => 0.5 + i * 0.3);
    const varsB = Array.from({ length: d }, (_, i) => 2 + Math.sin(i) * 1.5);
    const basis = orthonormalColumns(rot, d);
    const factor = (vars: number[]): number[][] =>
      Array.from({ length: d }, (_, r) =>
        Array.from({ length: d }, (_, c) => basis[r * d + c] * Math.sqrt(vars[c])),
      );
    const mu2 = Array.from({ length: d }, (_, i) => (i % 3) * 0.7);
    const analytic =
      mu2.reduce((s, m) => s + m * m, 0) +
      varsA.reduce((s, a, i) => s + (Math.sqrt(a) - Math.sqrt(varsB[i])) ** 2, 0);
    const a = sampleGaussian(createRng(4), 60000, new Array<number>(d).fill(0), factor(varsA));
    const b = sampleGaussian(createRng(5), 60000, mu2, factor(varsB));
    expect(Math.abs(fid(a, b) - analytic) / analytic).toBeLessThan(0.01);
  });

  it('is 0 for identical statistics and symmetric in its arguments', () => {
    const a = featureStats(
      sampleGaussian(
        createRng(6),
        500,
        [0, 1, 2],
        [
          [1, 0, 0],
          [0.3, 1, 0],
          [0, 0.2, 1],
        ],
      ),
    );
    const b = featureStats(
      sampleGaussian(
        createRng(7),
        500,
        [1, 1, 0],
        [
          [2, 0, 0],
          [0, 1, 0],
          [0.5, 0, 0.3],
        ],
      ),
    );
    expect(frechetDistance(a, a)).toBeCloseTo(0, 8);
    expect(frechetDistance(a, b)).toBeCloseTo(frechetDistance(b, a), 8);
  });

  it('names the problem when dimensions differ', () => {
    const a = sampleGaussian(
      createRng(1),
      10,
      [0, 0],
      [
        [1, 0],
        [0, 1],
      ],
    );
    const b = sampleGaussian(
      createRng(1),
      10,
      [0, 0, 0],
      [
        [1, 0, 0],
        [0, 1, 0],
        [0, 0, 1],
      ],
    );
    expect(() => fid(a, b)).toThrow(/different dimensions \(2 vs 3\)/);
  });
});

/** Gram–Schmidt on the columns of m: an orthonormal basis that is not axis-aligned. */
function orthonormalColumns(m: Float64Array, d: number): Float64Array {
  const q = Float64Array.from(m);
  for (let c = 0; c < d; c++) {
    for (let p = 0; p < c; p++) {
      let dot = 0;
      for (let r = 0; r < d; r++) dot += q[r * d + c] * q[r * d + p];
      for (let r = 0; r < d; r++) q[r * d + c] -= dot * q[r * d + p];
    }
    let norm = 0;
    for (let r = 0; r < d; r++) norm += q[r * d + c] ** 2;
    for (let r = 0; r < d; r++) q[r * d + c] /= Math.sqrt(norm);
  }
  return q;
}
