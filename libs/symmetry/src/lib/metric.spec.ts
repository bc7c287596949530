import reference from './__fixtures__/reference.json';
import { fromBase64 } from './__fixtures__/generators';
import { bhattacharyyaDistance, rowProfiles, symmetryScore } from './metric';

describe('symmetryScore', () => {
  it('is 0 for a mirror-symmetric mask (even width)', () => {
    const w = 6;
    const mask = [0, 255, 255, 255, 255, 0, 0, 0, 255, 255, 0, 0, 255, 255, 255, 255, 255, 255];
    // Not exactly 0 in OpenCV either: Σ√(h1·h2) and √(Σh1·Σh2) round differently (~1e-8 after the sqrt).
    expect(symmetryScore(mask, w, 3)).toBeCloseTo(0, 7);
  });

  it('matches a hand computation for a one-shoulder mask', () => {
    // left row sums [2, 2]; mirrored right [0, 2]: 1 − (√0 + √4)/√(4·2) = 1 − 1/√2.
    const mask = [1, 1, 0, 0, 1, 1, 1, 1];
    expect(symmetryScore(mask, 4, 2)).toBeCloseTo(Math.sqrt(1 - 1 / Math.SQRT2), 12);
  });

  it('splits odd widths at width // 2 like the seed: the centre column belongs to the right half', () => {
    // 3 columns [a | b c]: left = a, mirrored right = c + b.
    const { left, right } = rowProfiles([1, 2, 4, 8, 16, 32], 3, 2);
    expect([...left]).toEqual([1, 8]);
    expect([...right]).toEqual([6, 48]);
  });

  it.each(reference.metric.map((c) => [`${c.kind} ${c.width}×${c.height} raise ${c.raisePx}`, c] as const))(
    'matches the numpy reference of the seed: %s',
    (_label, c) => {
      expect(symmetryScore(fromBase64(c.mask), c.width, c.height)).toBeCloseTo(c.score, 10);
    },
  );

  it('is scale-invariant (0..1 floats ≈ 0..255 bytes)', () => {
    const c = reference.metric[2];
    const bytes = fromBase64(c.mask);
    expect(
      symmetryScore(
        Float32Array.from(bytes, (v) => v / 255),
        c.width,
        c.height,
      ),
    ).toBeCloseTo(c.score, 6);
  });

  it('rejects a mask whose length does not match its size', () => {
    expect(() => symmetryScore(new Uint8Array(10), 4, 3)).toThrow(/10 values, expected 4×3 = 12/);
    expect(() => symmetryScore(new Uint8Array(1), 1, 1)).toThrow(/at least 2×1/);
  });
});

describe('bhattacharyyaDistance (OpenCV HISTCMP_BHATTACHARYYA)', () => {
  it('is 0 for identical and 1 for disjoint histograms', () => {
    expect(bhattacharyyaDistance([1, 2, 3], [1, 2, 3])).toBeCloseTo(0, 7);
    expect(bhattacharyyaDistance([1, 0], [0, 1])).toBe(1);
  });

  it('gives 1, not NaN, for two empty histograms (scale clamped to 1)', () => {
    expect(bhattacharyyaDistance([0, 0], [0, 0])).toBe(1);
  });

  it('clamps tiny negative rounding to 0 instead of NaN', () => {
    expect(bhattacharyyaDistance([0.1, 0.2, 0.7], [0.1, 0.2, 0.7])).toBeGreaterThanOrEqual(0);
  });
});
