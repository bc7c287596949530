import { Sfc32 as Rng, permutation } from './sfc32';

describe('Sfc32', () => {
  it('continues identically from a saved state', () => {
    const a = new Rng(42);
    for (let i = 0; i < 10; i++) a.uniform();
    const saved = a.state();
    const expected = [a.uniform(), a.normal(), a.int(7), a.tfSeed()];
    const b = new Rng(1);
    b.restore(saved);
    expect([b.uniform(), b.normal(), b.int(7), b.tfSeed()]).toEqual(expected);
  });

  it('draws standard normals (mean ≈ 0, var ≈ 1) and uniforms in [0, 1)', () => {
    const r = new Rng(7);
    const xs = r.normals(20000);
    const mean = xs.reduce((s, v) => s + v, 0) / xs.length;
    const variance = xs.reduce((s, v) => s + (v - mean) ** 2, 0) / xs.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
    for (let i = 0; i < 1000; i++) {
      const u = r.uniform();
      expect(u >= 0 && u < 1).toBe(true);
    }
  });

  it('makes seeded permutations', () => {
    const p = permutation(100, 3);
    expect([...p].sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect([...permutation(100, 3)]).toEqual([...p]);
    expect([...permutation(100, 4)]).not.toEqual([...p]);
  });
});
