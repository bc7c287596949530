import type { RawImage } from '@portrait-forge/image-io';
import { kernels } from './kernels';

// convertTo(CV_32F, 1/255): the scale is applied as float32.
const UNIT_SCALE = Math.fround(1 / 255);

export function checkPixelBuffer(image: RawImage): void {
  const { width, height, channels, data } = image;
  if (data.length !== width * height * channels) {
    throw new Error(
      `BRISQUE: RawImage data has ${data.length} bytes but ${width}×${height}×${channels} needs ${width * height * channels}; pass the buffer decodeImage returned`,
    );
  }
}

/**
 * The image as OpenCV's BRISQUE sees it, as float32 at the returned byte address of kernel memory:
 * gray (cvtColor BGR2GRAY's 14-bit fixed-point rounding of RGB; 1-channel used as is), scaled to
 * [0, 1] in float32.
 */
export function unitGrayInKernelMemory(image: RawImage): number {
  checkPixelBuffer(image);
  const n = image.width * image.height;
  const pixels = kernels.allocate(image.data.length);
  const gray = kernels.allocate(n * 4);
  kernels.uint8(pixels, image.data.length).set(image.data);
  if (image.channels === 1) kernels.fn.grayLuma(pixels, gray, n, UNIT_SCALE);
  else kernels.fn.grayRgb(pixels, gray, n, UNIT_SCALE);
  return gray;
}
