import { resizeCubic } from './resize-cubic';

describe('resizeCubic', () => {
  it('halves a horizontal ramp to the ramp sampled between source pixels (inside the border)', () => {
    const width = 16;
    const height = 6;
    const ramp = Float32Array.from({ length: width * height }, (_, i) => (i % width) / 16);
    const half = resizeCubic(ramp, width, height, 8, 3);
    for (let x = 1; x < 7; x++) expect(half[8 + x]).toBeCloseTo((2 * x + 0.5) / 16, 6);
  });

  it('copies when the size is unchanged, and refuses an empty destination', () => {
    const image = Float32Array.from([1, 2, 3, 4]);
    expect(Array.from(resizeCubic(image, 2, 2, 2, 2))).toEqual([1, 2, 3, 4]);
    expect(() => resizeCubic(image, 2, 2, 0, 1)).toThrow(/empty/);
  });
});
