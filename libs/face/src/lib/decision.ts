import { ffhqQuad } from './ffhq-quad';
import { describeImageProblem } from './image-check';
import { assessPose, type PoseMeasures } from './pose';
import { DEFAULT_DETECTOR, type DetectedFace, type DetectorKind, type ImageSize } from './types';

/** Every reason decideFace can give, in the order reports list them. */
export const FACE_REJECT_REASONS = [
  'bad_image',
  'no_face',
  'multiple_faces',
  'face_too_small',
  'tilted',
  'turned',
] as const;
export type FaceRejectReason = (typeof FACE_REJECT_REASONS)[number];

/** Every threshold the decision uses; defaults are justified by faces-dev measurements in the README. */
export interface FaceConfig {
  /** A detection counts as a face from this score on (per detector: DETECTOR_SCORE_CUTS). */
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

/**
 * Detector scores are on different scales, so the two score cuts depend on the detector. faces-dev
 * (README): BlazeFace gives every keep face ≥ 0.83 and no-face false hits ≤ 0.63; SSD gives keep faces
 * ≥ 0.25 and most no-face false hits < 0.2. A second face ≥ 0.5 is a real face for both.
 */
export const DETECTOR_SCORE_CUTS: Readonly<
  Record<DetectorKind, Pick<FaceConfig, 'minFaceScore' | 'secondFaceMinScore'>>
> = Object.freeze({
  blazeface: { minFaceScore: 0.7, secondFaceMinScore: 0.5 },
  ssd: { minFaceScore: 0.2, secondFaceMinScore: 0.5 },
  tiny: { minFaceScore: 0.2, secondFaceMinScore: 0.5 },
});

/** The default face rule for faces found by `detector`. */
export function defaultFaceConfig(detector: DetectorKind = DEFAULT_DETECTOR): FaceConfig {
  return {
    ...DETECTOR_SCORE_CUTS[detector],
    secondFaceMinRelativeSize: 0.4,
    targetSize: 256,
    maxUpscale: 2,
    maxRollDeg: 12,
    seedEyesVDeltaPercentMax: 10,
    maxYawDeg: 35,
    seedDeltaOffsetPercentMax: 250,
  };
}

/** The default rule for the default detector. */
export const DEFAULT_FACE_CONFIG: Readonly<FaceConfig> = Object.freeze(defaultFaceConfig());

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

/** The stored numbers of one face that the rule reads (null/undefined = not measured). */
export interface FaceFacts {
  score: number;
  boxHeight: number;
  roll?: number | null;
  yaw?: number | null;
  eyeDyPct?: number | null;
  centerDeltaPct?: number | null;
  qsize?: number | null;
}

/** The best-scoring face with score ≥ minFaceScore (the first on ties), among those `eligible`. */
export function pickPrimary<T extends { score: number }>(
  faces: readonly T[],
  config: Pick<FaceConfig, 'minFaceScore'>,
  eligible: (face: T) => boolean = () => true,
): T | undefined {
  let primary: T | undefined;
  for (const f of faces)
    if (f.score >= config.minFaceScore && eligible(f) && (!primary || f.score > primary.score)) primary = f;
  return primary;
}

/** Another face counts towards `multiple_faces` when it is confident and large enough next to the primary. */
export function isSignificantOther(
  other: Pick<FaceFacts, 'score' | 'boxHeight'>,
  primary: Pick<FaceFacts, 'boxHeight'>,
  config: FaceConfig,
): boolean {
  return (
    other.score >= config.secondFaceMinScore &&
    other.boxHeight / primary.boxHeight >= config.secondFaceMinRelativeSize
  );
}

/**
 * The face rule over numbers only: the live path (decideFace) and re-deciding from a manifest both
 * use it. `faces` holds every detection; the primary is `primary` (pickPrimary) if given.
 */
export function decideFromMeasures<T extends FaceFacts>(
  faces: readonly T[],
  image: ImageSize,
  config: FaceConfig = DEFAULT_FACE_CONFIG,
  primary: T | undefined = pickPrimary(faces, config),
): FaceRejectReason[] {
  if (describeImageProblem(image)) return ['bad_image'];
  if (!primary) return ['no_face'];
  const reasons: FaceRejectReason[] = [];
  if (faces.some((f) => f !== primary && isSignificantOther(f, primary, config)))
    reasons.push('multiple_faces');
  if (!((primary.qsize ?? 0) * config.maxUpscale >= config.targetSize)) reasons.push('face_too_small');
  if (
    !(
      Math.abs(primary.roll ?? Infinity) <= config.maxRollDeg &&
      (primary.eyeDyPct ?? Infinity) < config.seedEyesVDeltaPercentMax
    )
  ) {
    reasons.push('tilted');
  }
  if (
    !(
      Math.abs(primary.yaw ?? Infinity) <= config.maxYawDeg &&
      (primary.centerDeltaPct ?? Infinity) < config.seedDeltaOffsetPercentMax
    )
  ) {
    reasons.push('turned');
  }
  return reasons;
}

/** The numbers decideFromMeasures reads, for one detection (pose and qsize only for the primary). */
function factsOf(face: DetectedFace, pose?: PoseMeasures, qsize?: number): FaceFacts {
  return {
    score: face.score,
    boxHeight: face.box.height,
    roll: pose?.rollDeg,
    yaw: pose?.yawDeg,
    eyeDyPct: pose?.seedRule.eyesVDeltaPercent,
    centerDeltaPct: pose?.seedRule.deltaOffsetPercent,
    qsize,
  };
}

/**
 * Pure decision over detections of one image. The primary face is the best-scoring one with
 * score ≥ minFaceScore and 68 landmarks. Never throws.
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
  const hasLandmarks = (f: DetectedFace) => f.landmarks.length === 68;
  const measures: FaceMeasures = {
    detections: detections.length,
    faces: detections.filter((f) => f.score >= config.minFaceScore).length,
    significantOtherFaces: 0,
  };
  const primary = pickPrimary(detections, config, hasLandmarks);
  if (!primary) return { reasons: ['no_face'], measures };

  const { qsize } = ffhqQuad(primary.landmarks);
  const pose = assessPose(primary.landmarks, primary.box);
  const facts = detections.map((f) => (f === primary ? factsOf(f, pose, qsize) : factsOf(f)));
  const primaryFacts = facts[detections.indexOf(primary)];
  const others = facts.filter((f) => f !== primaryFacts).sort((a, b) => b.score - a.score);
  const second = others[0];
  Object.assign(measures, {
    significantOtherFaces: others.filter((f) => isSignificantOther(f, primaryFacts, config)).length,
    primaryScore: primary.score,
    primaryBoxWidth: primary.box.width,
    primaryBoxHeight: primary.box.height,
    secondScore: second?.score,
    secondRelativeSize: second ? second.boxHeight / primary.box.height : undefined,
    qsize,
    upscale: config.targetSize / qsize,
    pose,
  });
  return { reasons: decideFromMeasures(facts, image, config, primaryFacts), primary, measures };
}
