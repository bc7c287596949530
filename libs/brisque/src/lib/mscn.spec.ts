import { computeMscn, gaussianKernel } from './mscn';

describe('gaussianKernel', () => {
  it('is OpenCV getGaussianKernel(7, 7/6, CV_32F)', () => {
    const expected = [0.0125602, 0.07882796, 0.23729607, 0.34263152, 0.23729607, 0.07882796, 0.0125602];
    gaussianKernel().forEach((w, i) => expect(w).toBeCloseTo(expected[i], 8));
  });
});

describe('computeMscn', () => {
  it('is 0 on a black image', () => {
    expect(computeMscn(new Float32Array(20 * 10), 20, 10).every((v) => v === 0)).toBe(true);
  });

  it('is 0 on every constant image, up to float32 rounding', () => {
    for (let level = 0; level < 256; level++) {
      const value = Math.fround(level * Math.fround(1 / 255));
      const mscn = computeMscn(new Float32Array(16 * 12).fill(value), 16, 12);
      expect(mscn.every((v) => Math.abs(v) < 1e-4)).toBe(true);
    }
  });

  it('is ±(contrast/σ) across a step edge and 0 far from it', () => {
    const width = 32;
    const image = new Float32Array(width * 8).map((_, i) => (i % width < width / 2 ? 0 : 0.5));
    const mscn = computeMscn(image, width, 8);
    expect(mscn[0]).toBe(0);
    expect(mscn[width / 2 - 1]).toBeLessThan(-0.5);
    expect(mscn[width / 2]).toBeGreaterThan(0.5);
  });

  it('rejects a buffer of the wrong size', () => {
    expect(() => computeMscn(new Float32Array(10), 4, 4)).toThrow(/expected 16 pixels, got 10/);
  });
});
