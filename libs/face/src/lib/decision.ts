import { overlapOfSmaller } from './boxes';
import { DEFAULT_FACE_CONFIG, type FaceConfig } from './face-config';
import { ffhqQuad, landmarksAtBorder, quadOutsideFraction } from './ffhq-quad';
import { describeImageProblem } from './image-check';
import { assessPose, type PoseMeasures } from './pose';
import type { Box, DetectedFace, ImageSize } from './types';

/** Every reason decideFace can give, in the order reports list them. */
export const FACE_REJECT_REASONS = [
  'bad_image',
  'no_face',
  'multiple_faces',
  'face_too_small',
  'face_cut_off',
  'tilted',
  'turned',
] as const;
export type FaceRejectReason = (typeof FACE_REJECT_REASONS)[number];

/** Raw numbers behind a decision, for storing next to it. */
export interface FaceMeasures {
  /** Detections of any score (≥ the detector's minScore). */
  detections: number;
  /** Every detection's score, best first (the manifest keeps each detection with its score). */
  detectionScores: number[];
  /** Faces the rule counted: the primary and every significant other face (0 without a primary). */
  faces: number;
  /** Other faces that count towards `multiple_faces`. */
  significantOtherFaces: number;
  primaryScore?: number;
  primaryBoxWidth?: number;
  primaryBoxHeight?: number;
  /** The primary face's in-plane rotation from the detector's keypoints (BlazeFace only). */
  primaryRotationDeg?: number;
  /** Best other face: its score and box height over the primary's. */
  secondScore?: number;
  secondRelativeSize?: number;
  /** FFHQ quad side in source pixels, and targetSize / qsize. */
  qsize?: number;
  upscale?: number;
  /** Fraction of the FFHQ quad outside the photo, and landmarks within 1 px of the border or beyond. */
  cutOffFraction?: number;
  landmarksAtBorder?: number;
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
  /** The detection box (source pixels), to tell a second reading of the primary from another face. */
  box?: Box | null;
  roll?: number | null;
  yaw?: number | null;
  eyeDyPct?: number | null;
  centerDeltaPct?: number | null;
  /** Pitch proxy (PoseMeasures.pitchRatio); not judged when missing. */
  pitch?: number | null;
  qsize?: number | null;
  /** Fraction of the FFHQ quad outside the photo (quadOutsideFraction). */
  cutOff?: number | null;
  /** Head yaw from FaceMesh's depth (mesh-pose.ts), degrees; when measured, `turned` reads it instead of `yaw`. */
  meshYaw?: number | null;
}

/** Every storable number about one detection: what the rule reads, plus rotation and border contact. */
export interface FaceMeasure extends FaceFacts {
  rotationDeg: number | null;
  pitch: number | null;
  landmarksAtBorder: number | null;
  pose: PoseMeasures | null;
  meshYaw: number | null;
  /** Head pitch from FaceMesh, degrees, positive bowed (stored; no rule reads it yet). */
  meshPitch: number | null;
}

/** Measures one detection in `image` (pose, FFHQ quad size and cut-off need its 68 landmarks). */
export function measureFace(face: DetectedFace, image: ImageSize): FaceMeasure {
  const base = {
    score: face.score,
    boxHeight: face.box.height,
    box: face.box,
    rotationDeg: face.rotationDeg ?? null,
    meshYaw: face.meshPose?.yawDeg ?? null,
    meshPitch: face.meshPose?.pitchDeg ?? null,
  };
  if (face.landmarks.length !== 68) {
    const none = { roll: null, yaw: null, pitch: null, eyeDyPct: null, centerDeltaPct: null };
    return { ...base, ...none, qsize: null, cutOff: null, landmarksAtBorder: null, pose: null };
  }
  const pose = assessPose(face.landmarks, face.box);
  const { quad, qsize } = ffhqQuad(face.landmarks);
  return {
    ...base,
    roll: pose.rollDeg,
    yaw: pose.yawDeg,
    pitch: pose.pitchRatio,
    eyeDyPct: pose.l4rzRule.eyeDyPercent,
    centerDeltaPct: pose.l4rzRule.centreOffsetPercent,
    qsize,
    cutOff: quadOutsideFraction(quad, image),
    landmarksAtBorder: landmarksAtBorder(face.landmarks, image),
    pose,
  };
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

/**
 * Another face counts towards `multiple_faces` when it is confident, large enough next to the primary,
 * and not a second reading of the primary itself (boxes overlapping by more than
 * secondFaceMaxOverlap; not judged when a stored face has no box).
 */
export function isSignificantOther(
  other: Pick<FaceFacts, 'score' | 'boxHeight' | 'box'>,
  primary: Pick<FaceFacts, 'boxHeight' | 'box'>,
  config: FaceConfig,
): boolean {
  const samePlace =
    other.box != null &&
    primary.box != null &&
    overlapOfSmaller(other.box, primary.box) > config.secondFaceMaxOverlap;
  return (
    other.score >= config.secondFaceMinScore &&
    other.boxHeight / primary.boxHeight >= config.secondFaceMinRelativeSize &&
    !samePlace
  );
}

/** How many faces the rule counts: the primary and its significant others (0 without a primary). */
export function countFaces<T extends FaceFacts>(
  faces: readonly T[],
  primary: T | undefined,
  config: FaceConfig,
): number {
  if (!primary) return 0;
  return 1 + faces.filter((f) => f !== primary && isSignificantOther(f, primary, config)).length;
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
  if (countFaces(faces, primary, config) > 1) reasons.push('multiple_faces');
  if (!((primary.qsize ?? 0) * config.maxUpscale >= config.targetSize)) reasons.push('face_too_small');
  // A manifest written before cut-off was measured has no number: not judged, as before.
  if (primary.cutOff != null && !(primary.cutOff <= config.maxCutOffFraction)) reasons.push('face_cut_off');
  if (
    !(
      Math.abs(primary.roll ?? Infinity) <= config.maxRollDeg &&
      (primary.eyeDyPct ?? Infinity) < config.maxEyeDyPercent
    )
  ) {
    reasons.push('tilted');
  }
  // FaceMesh's yaw when it was measured; the 68-point estimate for other detectors' or older manifests' faces.
  const yawWithin =
    primary.meshYaw != null
      ? Math.abs(primary.meshYaw) <= config.maxMeshYawDeg
      : Math.abs(primary.yaw ?? Infinity) <= config.maxYawDeg;
  if (
    !(
      yawWithin &&
      (primary.centerDeltaPct ?? Infinity) < config.maxCentreOffsetPercent &&
      !((primary.pitch ?? Infinity) < config.minPitchRatio)
    )
  ) {
    reasons.push('turned');
  }
  return reasons;
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
      measures: { detections: 0, detectionScores: [], faces: 0, significantOtherFaces: 0, imageProblem },
    };
  }
  const hasLandmarks = (f: DetectedFace) => f.landmarks.length === 68;
  const measures: FaceMeasures = {
    detections: detections.length,
    detectionScores: detections.map((f) => f.score).sort((a, b) => b - a),
    faces: 0,
    significantOtherFaces: 0,
  };
  const primary = pickPrimary(detections, config, hasLandmarks);
  if (!primary) return { reasons: ['no_face'], measures };

  const facts = detections.map((f) => measureFace(f, image));
  const primaryFacts = facts[detections.indexOf(primary)];
  const others = facts.filter((f) => f !== primaryFacts).sort((a, b) => b.score - a.score);
  const second = others[0];
  const faces = countFaces(facts, primaryFacts, config);
  Object.assign(measures, {
    faces,
    significantOtherFaces: faces - 1,
    primaryScore: primary.score,
    primaryBoxWidth: primary.box.width,
    primaryBoxHeight: primary.box.height,
    primaryRotationDeg: primary.rotationDeg,
    secondScore: second?.score,
    secondRelativeSize: second ? second.boxHeight / primary.box.height : undefined,
    qsize: primaryFacts.qsize ?? undefined,
    upscale: config.targetSize / (primaryFacts.qsize ?? NaN),
    cutOffFraction: primaryFacts.cutOff ?? undefined,
    landmarksAtBorder: primaryFacts.landmarksAtBorder ?? undefined,
    pose: primaryFacts.pose ?? undefined,
  });
  return { reasons: decideFromMeasures(facts, image, config, primaryFacts), primary, measures };
}
