import type { RawImage } from '@portrait-forge/image-io';
import { computeFeatures } from './features';
import { type BrisqueModel, defaultBrisqueModel } from './model';
import { predictSvr, scaleFeatures } from './svr';

/**
 * Reject a photo when its BRISQUE score is above this (0 = pristine … 100 = worst). From faces-dev
 * (OpenCV scores): `keep` tops out at 44.7 (one outlier at 53.8) and `blurry` starts at 51.6, so 48
 * sits mid-gap: keeps 52/53 keep photos and rejects 32/32 blurry ones (README has the table).
 */
export const DEFAULT_BRISQUE_THRESHOLD = 48;

export interface BrisqueResult {
  /** OpenCV-equivalent score, clamped to [0, 100]; lower is better. */
  score: number;
  /** The 36 unscaled features, in OpenCV's order (per scale: MSCN shape, variance; then per orientation shape, mean, σ²left, σ²right). */
  features: Float64Array;
}

/** The 36 BRISQUE features of a decoded image (RGB or gray), as OpenCV's QualityBRISQUE::computeFeatures. */
export function brisqueFeatures(image: RawImage): Float64Array {
  return computeFeatures(image);
}

/** Score from already-computed features. */
export function brisqueScoreFromFeatures(
  features: ArrayLike<number>,
  model: BrisqueModel = defaultBrisqueModel(),
): number {
  if (features.length !== model.featureCount) {
    throw new Error(`BRISQUE: got ${features.length} features, the model expects ${model.featureCount}`);
  }
  const raw = predictSvr(scaleFeatures(features, model), model);
  return Math.min(Math.max(raw, 0), 100);
}

/** Score and features in one pass. */
export function brisque(image: RawImage, model: BrisqueModel = defaultBrisqueModel()): BrisqueResult {
  const features = brisqueFeatures(image);
  return { score: brisqueScoreFromFeatures(features, model), features };
}

/** BRISQUE score of a decoded image, equal (±float rounding) to OpenCV's QualityBRISQUE::compute. */
export function brisqueScore(image: RawImage, model: BrisqueModel = defaultBrisqueModel()): number {
  return brisque(image, model).score;
}
