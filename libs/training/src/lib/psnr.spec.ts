import { psnr } from './psnr';

describe('psnr', () => {
  it('is 10·log10(4 / MSE) for pixels in [-1, 1]', () => {
    // Every pixel off by 0.2: MSE 0.04 → 10·log10(100) = 20 dB.
    const a = new Float32Array([0, 0.5, -0.5, 0.8]);
    const b = a.map((v) => v - 0.2);
    expect(psnr(a, b)).toBeCloseTo(20, 5);
    // One of four pixels off by the full range 2: MSE 1 → 10·log10(4) ≈ 6.0206 dB.
    expect(psnr(new Float32Array([1, 0, 0, 0]), new Float32Array([-1, 0, 0, 0]))).toBeCloseTo(6.0206, 4);
  });

  it('is Infinity for identical images and symmetric in its arguments', () => {
    const a = new Float32Array([0.1, -0.3, 0.7]);
    expect(psnr(a, a)).toBe(Infinity);
    const b = new Float32Array([0.2, -0.1, 0.6]);
    expect(psnr(a, b)).toBe(psnr(b, a));
  });

  it('clamps to [-1, 1] as the saved image does', () => {
    // 1.5 shows as 1 and -3 as -1: only the 0.5 vs 0 pixel differs, MSE 0.25/3.
    const shown = psnr(new Float32Array([1.5, -3, 0.5]), new Float32Array([1, -1, 0]));
    expect(shown).toBeCloseTo(10 * Math.log10(4 / (0.25 / 3)), 5);
  });

  it('refuses images of different sizes', () => {
    expect(() => psnr(new Float32Array(3), new Float32Array(4))).toThrow('3 pixels vs 4');
  });
});
