import type { Box, Point } from './types';

/** iBUG 68-point indices used here (face-api uses the same order). */
export const LANDMARK = {
  jawFirst: 0,
  jawLast: 16,
  noseTip: 30,
  eyeOnImageLeft: [36, 42] as const,
  eyeOnImageRight: [42, 48] as const,
  mouthLeft: 48,
  mouthRight: 54,
} as const;

/**
 * Depth of the nose tip in front of jaw-contour points 0/16, over their half distance. From a generic
 * 68-point 3D face model (contour points at x = ±350, 295–310 behind the nose tip): ≈ 0.85.
 * Under orthographic projection, yawRatio = 0.85 · tan(yaw).
 */
export const NOSE_DEPTH_OVER_HALF_FACE = 0.85;

/** The l4rz seed's MTCNN tilt rule, evaluated on face-api's box and eye centres. */
export interface SeedRuleMeasures {
  /** int(|ΔY of eyes| / face height · 100); the seed requires < 10. */
  eyesVDeltaPercent: number;
  /** int(|offset1 − offset2| / mean offset · 100) around the box centreline; the seed requires < 90. */
  deltaOffsetPercent: number;
  passes: boolean;
}

export interface PoseMeasures {
  /** Mean of points 36–41 (the eye on the image's left) and of 42–47. */
  leftEye: Point;
  rightEye: Point;
  /** Eye-centre distance in pixels. */
  eyeDistance: number;
  /** Eye-line angle in degrees, positive when the image-right eye is lower (clockwise on screen). */
  rollDeg: number;
  /**
   * Signed nose-tip offset from the jaw-contour midline (points 0/16), over half the contour width,
   * measured along the de-rolled eye line. Positive: nose towards the image's right.
   */
  yawRatio: number;
  /** Yaw estimate in degrees, atan(yawRatio / 0.85) (see NOSE_DEPTH_OVER_HALF_FACE). */
  yawDeg: number;
  /**
   * Pitch proxy: nose tip's position between the eye line (0) and the mouth-corner line (1), along the
   * de-rolled face vertical. Recorded, not used in decisions (faces-dev has no pitched category).
   */
  pitchRatio: number;
  seedRule: SeedRuleMeasures;
}

export const SEED_EYES_V_DELTA_PERCENT_MAX = 10;
export const SEED_DELTA_OFFSET_PERCENT_MAX = 90;

function mean(points: readonly Point[]): Point {
  let x = 0;
  let y = 0;
  for (const p of points) {
    x += p.x;
    y += p.y;
  }
  return { x: x / points.length, y: y / points.length };
}

/** Eye centres as the seed's MTCNN `left_eye`/`right_eye` (image-left first) and FFHQ use them. */
export function eyeCentres(landmarks: readonly Point[]): { leftEye: Point; rightEye: Point } {
  return {
    leftEye: mean(landmarks.slice(...LANDMARK.eyeOnImageLeft)),
    rightEye: mean(landmarks.slice(...LANDMARK.eyeOnImageRight)),
  };
}

/**
 * The seed's rule, line for line. The seed divides MTCNN's coordinates by 0.3 because it detected on a
 * 0.3× copy; our coordinates are already full-size, so that factor is 1 and only the int() truncations
 * remain.
 */
export function seedTiltRule(leftEye: Point, rightEye: Point, box: Box): SeedRuleMeasures {
  const fHeight = Math.trunc(box.height);
  const eyesYDelta = Math.abs(Math.trunc(leftEye.y) - Math.trunc(rightEye.y));
  const eyesVDeltaPercent = Math.trunc((eyesYDelta / fHeight) * 100);
  const eye1X = Math.trunc(leftEye.x);
  const eye2X = Math.trunc(rightEye.x);
  const centerlineX = Math.trunc(box.x) + Math.trunc(Math.trunc(box.width) / 2);
  const eye1Offset = centerlineX - eye1X;
  const eye2Offset = eye2X - centerlineX;
  // Python would raise ZeroDivisionError for coincident eyes; NaN/Infinity fail the rule instead.
  const deltaOffsetPercent = Math.trunc(
    (Math.abs(eye1Offset - eye2Offset) / ((eye1Offset + eye2Offset) / 2)) * 100,
  );
  const passes =
    eyesVDeltaPercent < SEED_EYES_V_DELTA_PERCENT_MAX && deltaOffsetPercent < SEED_DELTA_OFFSET_PERCENT_MAX;
  return { eyesVDeltaPercent, deltaOffsetPercent, passes };
}

/** Rotates `p` by −angle about `centre` (undoes an in-plane roll). */
function unroll(p: Point, centre: Point, cos: number, sin: number): Point {
  const dx = p.x - centre.x;
  const dy = p.y - centre.y;
  return { x: dx * cos + dy * sin, y: -dx * sin + dy * cos };
}

/** Roll, yaw and pitch measures from 68 landmarks, and the seed's rule against the detector box. */
export function assessPose(landmarks: readonly Point[], box: Box): PoseMeasures {
  if (landmarks.length !== 68) throw new Error(`assessPose needs 68 landmarks, got ${landmarks.length}`);
  const { leftEye, rightEye } = eyeCentres(landmarks);
  const dx = rightEye.x - leftEye.x;
  const dy = rightEye.y - leftEye.y;
  const roll = Math.atan2(dy, dx);
  const cos = Math.cos(roll);
  const sin = Math.sin(roll);
  const eyeMid = { x: (leftEye.x + rightEye.x) / 2, y: (leftEye.y + rightEye.y) / 2 };
  const level = (i: number) => unroll(landmarks[i], eyeMid, cos, sin);
  const jawA = level(LANDMARK.jawFirst);
  const jawB = level(LANDMARK.jawLast);
  const nose = level(LANDMARK.noseTip);
  const mouthLeft = level(LANDMARK.mouthLeft);
  const mouthRight = level(LANDMARK.mouthRight);
  const halfWidth = (jawB.x - jawA.x) / 2;
  const yawRatio = (nose.x - (jawA.x + jawB.x) / 2) / halfWidth;
  const mouthY = (mouthLeft.y + mouthRight.y) / 2;
  return {
    leftEye,
    rightEye,
    eyeDistance: Math.hypot(dx, dy),
    rollDeg: (roll * 180) / Math.PI,
    yawRatio,
    yawDeg: (Math.atan(yawRatio / NOSE_DEPTH_OVER_HALF_FACE) * 180) / Math.PI,
    pitchRatio: nose.y / mouthY,
    seedRule: seedTiltRule(leftEye, rightEye, box),
  };
}
