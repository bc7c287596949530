import { matmul, symmetricEigen, transpose } from './linalg';
import { createRng } from './random';

function randomSymmetric(n: number, seed: number): Float64Array {
  const rng = createRng(seed);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) a[i * n + j] = a[j * n + i] = rng.normal();
  return a;
}

describe('symmetricEigen', () => {
  it('reconstructs A = V diag(λ) Vᵀ with orthonormal V', () => {
    const n = 40;
    const a = randomSymmetric(n, 1);
    const { values, vectors } = symmetricEigen(a, n);
    const v = vectors as Float64Array;
    const scaled = v.map((x, idx) => x * values[idx % n]);
    const back = matmul(scaled, transpose(v, n), n);
    const vtv = matmul(transpose(v, n), v, n);
    for (let i = 0; i < n * n; i++) {
      expect(back[i]).toBeCloseTo(a[i], 10);
      expect(vtv[i]).toBeCloseTo(i % (n + 1) === 0 ? 1 : 0, 10);
    }
    for (let i = 1; i < n; i++) expect(values[i]).toBeGreaterThanOrEqual(values[i - 1]);
  });

  it('matches a known spectrum and handles diagonal and 1 × 1 input', () => {
    // [[2,1],[1,2]] has eigenvalues 1 and 3
    expect(Array.from(symmetricEigen(Float64Array.from([2, 1, 1, 2]), 2).values)).toEqual([
      expect.closeTo(1, 12),
      expect.closeTo(3, 12),
    ]);
    expect(Array.from(symmetricEigen(Float64Array.from([5, 0, 0, -2]), 2, false).values)).toEqual([-2, 5]);
    expect(Array.from(symmetricEigen(Float64Array.from([7]), 1).values)).toEqual([7]);
  });
});
