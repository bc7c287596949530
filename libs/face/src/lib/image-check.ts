import type { ImageSize } from './types';

/** Smallest side that can hold a detectable face (face-api finds nothing useful below this). */
export const MIN_IMAGE_SIDE = 8;
/** Longer/shorter side beyond which an image is a strip, not a photo (and square padding would explode). */
export const MAX_ASPECT_RATIO = 20;

/** Why an image cannot be searched for faces, or undefined when it can. Never throws. */
export function describeImageProblem(
  image: ImageSize & { data?: ArrayLike<number>; channels?: number },
): string | undefined {
  const { width, height } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 0 || height < 0) {
    return `invalid image size ${String(width)}×${String(height)}`;
  }
  if (width === 0 || height === 0) return `image has no pixels (${width}×${height})`;
  if (Math.min(width, height) < MIN_IMAGE_SIDE) {
    return `image is ${width}×${height}, too small to hold a face (needs at least ${MIN_IMAGE_SIDE} px a side)`;
  }
  const aspect = Math.max(width, height) / Math.min(width, height);
  if (aspect > MAX_ASPECT_RATIO) {
    return `image is ${width}×${height}, aspect ratio ${aspect.toFixed(1)} exceeds ${MAX_ASPECT_RATIO}: not a photo of a face`;
  }
  if (image.data !== undefined) {
    const channels = image.channels ?? 3;
    if (channels !== 1 && channels !== 3) return `unsupported channel count ${channels} (expected 1 or 3)`;
    const expected = width * height * channels;
    if (image.data.length !== expected) {
      return `pixel buffer has ${image.data.length} bytes, expected ${expected} for ${width}×${height}×${channels}`;
    }
  }
  return undefined;
}
