import { ffhqQuad } from './ffhq-quad';
import { describeImageProblem } from './image-check';
import { assessPose, type PoseMeasures } from './pose';
import type { DetectedFace, ImageSize } from './types';

export type FaceRejectReason =
  | 'bad_image'
  | 'no_face'
  | 'multiple_faces'
  | 'face_too_small'
  | 'tilted'
  | 'turned';

/** Every threshold the decision uses; defaults are justified by faces-dev measurements in the README. */
export interface FaceConfig {
  /** A detection counts as a face from this score on (faces-dev: keep ≥ 0.25, most no-face false hits < 0.2). */
  minFaceScore: number;
  /** Another face makes the image `multiple_faces` when its score reaches this… */
  secondFaceMinScore: number;
  /** …and its box height is at least this fraction of the primary face's. */
  secondFaceMinRelativeSize: number;
  /** Output side the aligned crop is made for (FFHQ-style square). */
  targetSize: number;
  /** `face_too_small` when the FFHQ quad side × maxUpscale < targetSize. */
  maxUpscale: number;
  /** `tilted` when |roll| exceeds this (degrees)… */
  maxRollDeg: number;
  /** …or the seed's eye ΔY as % of face height reaches this (seed: 10). */
  seedEyesVDeltaPercentMax: number;
  /** `turned` when |yaw estimate| exceeds this (degrees)… */
  maxYawDeg: number;
  /** …or the seed's centreline offset delta % reaches this (seed: 90; see README for why it is higher). */
  seedDeltaOffsetPercentMax: number;
}

export const DEFAULT_FACE_CONFIG: Readonly<FaceConfig> = Object.freeze({
  minFaceScore: 0.2,
  secondFaceMinScore: 0.5,
  secondFaceMinRelativeSize: 0.4,
  targetSize: 256,
  maxUpscale: 2,
  maxRollDeg: 12,
  seedEyesVDeltaPercentMax: 10,
  maxYawDeg: 35,
  seedDeltaOffsetPercentMax: 250,
});

/** Raw numbers behind a decision, for storing next to it. */
export interface FaceMeasures {
  /** Detections of any score (≥ the detector's minScore). */
  detections: number;
  /** Detections with score ≥ minFaceScore. */
  faces: number;
  /** Other faces that count towards `multiple_faces`. */
  significantOtherFaces: number;
  primaryScore?: number;
  primaryBoxWidth?: number;
  primaryBoxHeight?: number;
  /** Best other face: its score and box height over the primary's. */
  secondScore?: number;
  secondRelativeSize?: number;
  /** FFHQ quad side in source pixels, and targetSize / qsize. */
  qsize?: number;
  upscale?: number;
  pose?: PoseMeasures;
  /** Why the image could not be searched (`bad_image`). */
  imageProblem?: string;
}

export interface FaceDecision {
  /** Empty = accept. Several reasons may apply at once. */
  reasons: FaceRejectReason[];
  primary?: DetectedFace;
  measures: FaceMeasures;
}

/**
 * Pure decision over detections of one image. The primary face is the best-scoring one with
 * score ≥ minFaceScore. Never throws.
 */
export function decideFace(
  detections: readonly DetectedFace[],
  image: ImageSize & { data?: ArrayLike<number>; channels?: number },
  config: FaceConfig = DEFAULT_FACE_CONFIG,
): FaceDecision {
  const imageProblem = describeImageProblem(image);
  if (imageProblem) {
    return {
      reasons: ['bad_image'],
      measures: { detections: 0, faces: 0, significantOtherFaces: 0, imageProblem },
    };
  }
  const faces = detections
    .filter((f) => f.score >= config.minFaceScore && f.landmarks.length === 68)
    .sort((a, b) => b.score - a.score);
  const measures: FaceMeasures = {
    detections: detections.length,
    faces: faces.length,
    significantOtherFaces: 0,
  };
  const primary = faces[0];
  if (!primary) return { reasons: ['no_face'], measures };

  const reasons: FaceRejectReason[] = [];
  const others = detections.filter((f) => f !== primary);
  const relativeSize = (f: DetectedFace) => f.box.height / primary.box.height;
  const significant = others.filter(
    (f) => f.score >= config.secondFaceMinScore && relativeSize(f) >= config.secondFaceMinRelativeSize,
  );
  const second = others.sort((a, b) => b.score - a.score)[0];
  const { qsize } = ffhqQuad(primary.landmarks);
  const pose = assessPose(primary.landmarks, primary.box);
  Object.assign(measures, {
    significantOtherFaces: significant.length,
    primaryScore: primary.score,
    primaryBoxWidth: primary.box.width,
    primaryBoxHeight: primary.box.height,
    secondScore: second?.score,
    secondRelativeSize: second ? relativeSize(second) : undefined,
    qsize,
    upscale: config.targetSize / qsize,
    pose,
  });

  if (significant.length > 0) reasons.push('multiple_faces');
  if (!(qsize * config.maxUpscale >= config.targetSize)) reasons.push('face_too_small');
  const { rollDeg, yawDeg, seedRule } = pose;
  if (
    !(Math.abs(rollDeg) <= config.maxRollDeg && seedRule.eyesVDeltaPercent < config.seedEyesVDeltaPercentMax)
  ) {
    reasons.push('tilted');
  }
  if (
    !(Math.abs(yawDeg) <= config.maxYawDeg && seedRule.deltaOffsetPercent < config.seedDeltaOffsetPercentMax)
  ) {
    reasons.push('turned');
  }
  return { reasons, primary, measures };
}
