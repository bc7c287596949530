import type { RawImage } from '@portrait-forge/image-io';

/** A single-channel float32 image. */
export interface GrayImage {
  data: Float32Array;
  width: number;
  height: number;
}

// cvtColor(BGR2GRAY) on 8-bit: 14-bit fixed-point BT.601 weights, rounded.
const RED_WEIGHT = 4899;
const GREEN_WEIGHT = 9617;
const BLUE_WEIGHT = 1868;
const SHIFT = 14;
const HALF = 1 << (SHIFT - 1);
// convertTo(CV_32F, 1/255): the scale is applied as float32.
const UNIT_SCALE = Math.fround(1 / 255);
const UNIT_TABLE = Float32Array.from({ length: 256 }, (_, v) => v * UNIT_SCALE);

/**
 * The image as OpenCV's BRISQUE sees it: gray (OpenCV's rounding of RGB; 1-channel used as is),
 * scaled to [0, 1] in float32.
 */
export function toUnitGray(image: RawImage): GrayImage {
  const { width, height, channels, data: pixels } = image;
  const n = width * height;
  if (pixels.length !== n * channels) {
    throw new Error(
      `BRISQUE: RawImage data has ${pixels.length} bytes but ${width}×${height}×${channels} needs ${n * channels}; pass the buffer decodeImage returned`,
    );
  }
  const data = new Float32Array(n);
  if (channels === 1) {
    for (let i = 0; i < n; i++) data[i] = UNIT_TABLE[pixels[i]];
  } else {
    for (let i = 0, j = 0; i < n; i++, j += 3) {
      const gray =
        (pixels[j] * RED_WEIGHT + pixels[j + 1] * GREEN_WEIGHT + pixels[j + 2] * BLUE_WEIGHT + HALF) >> SHIFT;
      data[i] = UNIT_TABLE[gray];
    }
  }
  return { data, width, height };
}
