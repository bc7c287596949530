import { rawToSharp, sharpToRaw, type RawImage } from '@portrait-forge/image-io';

/**
 * Face BRISQUE is computed on the aligned crop at one size whatever --size is, so its threshold means
 * the same everywhere. The aligned crop separates blurry from keep better than the detector's face
 * box or the whole photo (tools/scripts/face-brisque-separation.ts, ROC AUC blurry vs keep):
 * faces-wild-dev 0.971 (box 0.933, whole photo 0.781), faces-dev 1.000 (0.919, 0.999).
 */
export const FACE_BRISQUE_SIZE = 256;
/**
 * `blurry` when the face BRISQUE exceeds this. Aligned crops at 256 px: keep tops out at 52.9
 * (faces-dev lfw_0039) and 48.5 (faces-wild-dev), blurry starts at 58.5 (wild; one outlier at 31.0,
 * uniface_image1) and 62.1 (faces-dev); 55 sits in the gap 52.9 … 58.5.
 */
export const DEFAULT_FACE_BRISQUE_THRESHOLD = 55;

export async function atFaceBrisqueSize(image: RawImage): Promise<RawImage> {
  if (image.width === FACE_BRISQUE_SIZE && image.height === FACE_BRISQUE_SIZE) return image;
  return sharpToRaw(
    rawToSharp(image).resize(FACE_BRISQUE_SIZE, FACE_BRISQUE_SIZE, { fit: 'fill', kernel: 'lanczos3' }),
  );
}
