import { DEFAULT_MAX_PIXELS, decodeImage, type RawImage } from '@portrait-forge/image-io';

/**
 * Decodes a photo the way `cv2.imread(path)` does for BRISQUE: EXIF orientation applied, embedded
 * ICC profile IGNORED, alpha dropped (not flattened). Use it when scores must equal OpenCV's;
 * colour-managed decoding moves scores of photos with a non-sRGB profile by up to a few points.
 */
export function readImageLikeOpenCv(path: string, maxPixels = DEFAULT_MAX_PIXELS): Promise<RawImage> {
  return decodeImage(path, { ignoreIcc: true, alpha: 'drop', maxPixels });
}
