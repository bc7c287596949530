import type { RawImage } from '@portrait-forge/image-io';
import { cropToSource, frameBounds, sampleUpright, uprightFrame } from './upright-crop';

/** A gray image whose pixel value encodes its position, so any mix-up of pixels shows. */
const ramp = (width: number, height: number): RawImage => ({
  data: Uint8Array.from({ length: width * height }, (_, i) => (i % width) * 10 + Math.floor(i / width)),
  width,
  height,
  channels: 1,
});

describe('uprightFrame / cropToSource', () => {
  it('angle 0 and no shrink is a plain crop around the centre', () => {
    const frame = uprightFrame({ x: 10, y: 20 }, { width: 8, height: 6 }, 0, 112);
    expect(frame).toMatchObject({ width: 8, height: 6, scale: 1 });
    expect(cropToSource(frame, { x: 0, y: 0 })).toEqual({ x: 6, y: 17 });
  });

  it('shrinks so the longer side fits, and a quarter turn maps crop-right to source-down', () => {
    const frame = uprightFrame({ x: 100, y: 100 }, { width: 400, height: 200 }, 90, 100);
    expect(frame).toMatchObject({ width: 100, height: 50, scale: 4 });
    const right = cropToSource(frame, { x: 100, y: 25 });
    expect(right.x).toBeCloseTo(100, 9);
    expect(right.y).toBeCloseTo(300, 9);
    const bounds = frameBounds(frame);
    expect(bounds.width).toBeCloseTo(200, 9);
    expect(bounds.height).toBeCloseTo(400, 9);
  });
});

describe('sampleUpright', () => {
  it('at 0° copies the pixels exactly; outside the photo is black', () => {
    const image = ramp(6, 5);
    const crop = sampleUpright(image, uprightFrame({ x: 3, y: 2.5 }, { width: 6, height: 5 }, 0, 112));
    expect(Array.from(crop.data)).toEqual(Array.from(image.data));
    const beyond = sampleUpright(image, uprightFrame({ x: 100, y: 100 }, { width: 4, height: 4 }, 0, 112));
    expect(beyond.data.every((v) => v === 0)).toBe(true);
  });

  it('a 90° frame on a turned photo gives back the upright photo', () => {
    const image = ramp(6, 4);
    // the photo turned 90° clockwise: 4 wide, 6 high; pixel (x, y) of it is (y, 3 − x) of the original
    const turned: RawImage = {
      ...image,
      width: 4,
      height: 6,
      data: Uint8Array.from({ length: 24 }, (_, i) => {
        const x = i % 4;
        const y = Math.floor(i / 4);
        return image.data[(3 - x) * 6 + y];
      }),
    };
    const upright = sampleUpright(turned, uprightFrame({ x: 2, y: 3 }, { width: 6, height: 4 }, 90, 112));
    expect(Array.from(upright.data)).toEqual(Array.from(image.data));
  });

  it('reads a reduced copy through origin and scale', () => {
    const image = ramp(4, 4);
    const frame = uprightFrame({ x: 14, y: 14 }, { width: 8, height: 8 }, 0, 4);
    const crop = sampleUpright(image, frame, { x: 10, y: 10 }, 2);
    expect(Array.from(crop.data)).toEqual(Array.from(image.data));
  });
});
