import type { RawImage } from '@portrait-forge/image-io';
import { alignFace } from './align';
import { ffhqQuad, mapToAligned } from './ffhq-quad';
import { eyeCentres } from './pose';
import { frontalFace3d, viewFace } from '../testing';
import { reflectIndex, reflectPad, warpQuad } from './warp';

// Local bindings: Math lookups in hot loops are slow inside Jest's vm context.
const { hypot, max } = Math;

/** Eyes at (±32, 0), mouth at (0, 55) face units: |x| = 2·eye distance, so FFHQ puts the eyes at
 * x = (½ ∓ ⅛)·size and y = (½ − 0.025·m/e)·size in continuous coordinates. */
function canonicalEyes(size: number) {
  const t = 0.5 - (0.025 * 55) / 64;
  return {
    left: { x: 0.375 * size - 0.5, y: t * size - 0.5 },
    right: { x: 0.625 * size - 0.5, y: t * size - 0.5 },
  };
}

/** A dark gray image with a bright disc at each eye centre. */
function eyeDotsImage(width: number, height: number, eyes: { x: number; y: number }[]): RawImage {
  const data = new Uint8Array(width * height).fill(40);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (eyes.some((e) => hypot(x - e.x, y - e.y) <= 4)) data[y * width + x] = 255;
    }
  }
  return { data, width, height, channels: 1 };
}

/** Centroid of bright pixels in the left and right halves. */
function brightCentroids(image: RawImage): { x: number; y: number }[] {
  return [0, 1].map((half) => {
    let sx = 0;
    let sy = 0;
    let n = 0;
    for (let y = 0; y < image.height; y++) {
      for (let x = (half * image.width) / 2; x < ((half + 1) * image.width) / 2; x++) {
        const w = max(0, image.data[y * image.width + x] - 128);
        sx += w * x;
        sy += w * y;
        n += w;
      }
    }
    return { x: sx / n, y: sy / n };
  });
}

describe('ffhqQuad', () => {
  it('follows FFHQ: level face → axis-aligned square of side 2·max(2·e, 1.8·m) centred below the eyes', () => {
    const crop = ffhqQuad(viewFace(frontalFace3d(), { scale: 2, centre: { x: 300, y: 300 } }));
    expect(crop.qsize).toBeCloseTo(512, 9);
    expect(crop.centre.x).toBeCloseTo(300, 9);
    expect(crop.centre.y).toBeCloseTo(300 + 0.1 * 110, 9);
    expect(crop.quad[0].x).toBeCloseTo(44, 9);
    expect(crop.quad[0].y).toBeCloseTo(311 - 256, 9);
    expect(crop.quad[2].x).toBeCloseTo(556, 9);
  });

  it.each([-35, -10, 20, 45])('face rolled by %p° → eyes map onto the canonical level positions', (theta) => {
    const landmarks = viewFace(frontalFace3d(), { scale: 2, rollDeg: theta, centre: { x: 300, y: 300 } });
    const crop = ffhqQuad(landmarks);
    const { leftEye, rightEye } = eyeCentres(landmarks);
    const canonical = canonicalEyes(1024);
    const l = mapToAligned(crop, leftEye, 1024);
    const r = mapToAligned(crop, rightEye, 1024);
    expect(Math.hypot(l.x - canonical.left.x, l.y - canonical.left.y)).toBeLessThan(1e-6);
    expect(Math.hypot(r.x - canonical.right.x, r.y - canonical.right.y)).toBeLessThan(1e-6);
  });
});

describe('warp helpers', () => {
  it('reflectIndex matches numpy.pad(…, "reflect"): [1,2,3] padded by 4 → 1 2 3 2 | 1 2 3 | 2 1 2 3', () => {
    const got = Array.from({ length: 11 }, (_, i) => [1, 2, 3][reflectIndex(i - 4, 3)]);
    expect(got).toEqual([1, 2, 3, 2, 1, 2, 3, 2, 1, 2, 3]);
  });

  it('reflectPad builds the padded image', () => {
    const padded = reflectPad(
      { data: Uint8Array.from([1, 2, 3, 4]), width: 2, height: 2, channels: 1 },
      [1, 0, 0, 1],
    );
    expect(Array.from(padded.data)).toEqual([2, 1, 2, 4, 3, 4, 2, 1, 2]);
  });

  it('warpQuad with the identity quad reproduces the image', () => {
    const src = { data: Uint8Array.from({ length: 16 }, (_, i) => i * 10), width: 4, height: 4, channels: 1 };
    const quad = [
      { x: -0.5, y: -0.5 },
      { x: -0.5, y: 3.5 },
      { x: 3.5, y: 3.5 },
      { x: 3.5, y: -0.5 },
    ];
    expect(Array.from(warpQuad(src, quad, 4).data)).toEqual(Array.from(src.data));
  });
});

describe('alignFace', () => {
  it.each([
    [25, 256, { x: 260, y: 300 }],
    [-30, 512, { x: 130, y: 150 }], // quad leaves the image: reflect padding + blur path
    [8, 1024, { x: 420, y: 380 }],
  ])(
    'face rolled %p°, output %p px → eyes level within 1° and within 2 px of FFHQ canonical positions',
    async (theta, size, centre) => {
      const landmarks = viewFace(frontalFace3d(), { scale: 1.6, rollDeg: theta, centre });
      const { leftEye, rightEye } = eyeCentres(landmarks);
      const image = eyeDotsImage(560, 480, [leftEye, rightEye]);
      const aligned = await alignFace(image, landmarks, size);
      expect(aligned.image.width).toBe(size);
      expect(aligned.image.height).toBe(size);
      expect(aligned.image.channels).toBe(1);
      const [l, r] = brightCentroids(aligned.image);
      const roll = (Math.atan2(r.y - l.y, r.x - l.x) * 180) / Math.PI;
      expect(Math.abs(roll)).toBeLessThan(1);
      const canonical = canonicalEyes(size);
      expect(Math.hypot(l.x - canonical.left.x, l.y - canonical.left.y)).toBeLessThan(2);
      expect(Math.hypot(r.x - canonical.right.x, r.y - canonical.right.y)).toBeLessThan(2);
      expect(aligned.quad).toEqual(ffhqQuad(landmarks).quad);
    },
  );

  it('pads when the quad leaves the image, and not otherwise', async () => {
    const inside = viewFace(frontalFace3d(), { scale: 1, centre: { x: 280, y: 240 } });
    const edge = viewFace(frontalFace3d(), { scale: 1, centre: { x: 60, y: 240 } });
    const image = eyeDotsImage(560, 480, []);
    expect((await alignFace(image, inside, 256)).padded).toBe(false);
    const padded = await alignFace(image, edge, 256);
    expect(padded.padded).toBe(true);
    // the reflected-and-faded border is no black fill
    expect(Math.min(...Array.from(padded.image.data))).toBeGreaterThan(20);
  });

  it('rejects bad arguments with a message naming the problem', async () => {
    const landmarks = viewFace(frontalFace3d());
    await expect(
      alignFace({ data: new Uint8Array(0), width: 0, height: 0, channels: 3 }, landmarks, 256),
    ).rejects.toThrow(/no pixels/);
    await expect(alignFace(eyeDotsImage(600, 600, []), landmarks, 2048)).rejects.toThrow(/256\.\.1024/);
    await expect(alignFace(eyeDotsImage(600, 600, []), landmarks.slice(5), 256)).rejects.toThrow(
      /68 landmarks/,
    );
  });
});
