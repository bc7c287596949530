import { landmarksAtBorder, quadOutsideFraction } from './ffhq-quad';
import type { Quad } from './types';

describe('quadOutsideFraction / landmarksAtBorder (face cut off by the border)', () => {
  const square = (x: number, y: number, side: number): Quad => [
    { x, y },
    { x, y: y + side },
    { x: x + side, y: y + side },
    { x: x + side, y },
  ];
  const image = { width: 100, height: 80 };

  it('0 inside the photo, ½ for a quad half over the top edge, ¾ over a corner, 1 outside', () => {
    expect(quadOutsideFraction(square(10, 10, 50), image)).toBe(0);
    expect(quadOutsideFraction(square(10, -20, 40), image)).toBeCloseTo(0.5, 10);
    expect(quadOutsideFraction(square(80, 60, 40), image)).toBeCloseTo(0.75, 10);
    expect(quadOutsideFraction(square(200, 200, 10), image)).toBe(1);
  });

  it('a quad turned 45° about the photo centre loses its four corners', () => {
    const r = 50; // half-diagonal: the corners poke out past the 100×80 photo at top and bottom
    const c = { x: 50, y: 40 };
    const quad: Quad = [
      { x: c.x, y: c.y - r },
      { x: c.x - r, y: c.y },
      { x: c.x, y: c.y + r },
      { x: c.x + r, y: c.y },
    ];
    // each tip beyond y = 0 / y = 80 is a triangle of height 10 and base 20: 2·100 of 5000
    expect(quadOutsideFraction(quad, image)).toBeCloseTo(200 / 5000, 10);
  });

  it('counts landmarks on or beyond the border', () => {
    const points = [
      { x: 50, y: 40 },
      { x: 0.5, y: 40 },
      { x: 50, y: 79.5 },
      { x: -3, y: -3 },
    ];
    expect(landmarksAtBorder(points, image)).toBe(3);
  });
});
