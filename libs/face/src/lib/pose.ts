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

/** The l4rz pose rule (seed 004's MTCNN eye test), evaluated on face-api's box and eye centres. */
export interface L4rzRuleMeasures {
  /** int(|ΔY of eyes| / face height · 100) in the photo's frame; l4rz requires < 10. */
  eyeDyPercent: number;
  /**
   * int(|offset1 − offset2| / mean offset · 100) of the eyes around the box centreline, measured
   * along the eye line (the face's own frame); l4rz requires < 90.
   */
  centreOffsetPercent: number;
  /** Both of l4rz's own limits hold (10 and 90). */
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
  l4rzRule: L4rzRuleMeasures;
}

/** l4rz's own limits (seed 004: `eyes_v_delta_percent < 10 and delta_offset < 90`). */
export const L4RZ_MAX_EYE_DY_PERCENT = 10;
export const L4RZ_MAX_CENTRE_OFFSET_PERCENT = 90;

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
 * The l4rz rule, line for line, in the photo's frame. l4rz divides MTCNN's coordinates by 0.3
 * because it detected on a 0.3× copy; ours are already full-size, so that factor is 1 and only the
 * int() truncations remain. The centreline test measures left–right symmetry (yaw), which l4rz could
 * read on x only because its faces were upright: here the eyes are first turned by −`rollDeg` about
 * the box centre, so a face turned in-plane (even 90° or 180°) is judged on its own axis. At roll 0
 * this is l4rz's arithmetic exactly.
 */
export function l4rzPoseRule(leftEye: Point, rightEye: Point, box: Box, rollDeg = 0): L4rzRuleMeasures {
  const fHeight = Math.trunc(box.height);
  const eyesYDelta = Math.abs(Math.trunc(leftEye.y) - Math.trunc(rightEye.y));
  const eyeDyPercent = Math.trunc((eyesYDelta / fHeight) * 100);
  const centre = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  const roll = (rollDeg * Math.PI) / 180;
  const level = (p: Point) =>
    rollDeg === 0 ? p : add(centre, unroll(p, centre, Math.cos(roll), Math.sin(roll)));
  const eye1X = Math.trunc(level(leftEye).x);
  const eye2X = Math.trunc(level(rightEye).x);
  const centerlineX = Math.trunc(box.x) + Math.trunc(Math.trunc(box.width) / 2);
  const eye1Offset = centerlineX - eye1X;
  const eye2Offset = eye2X - centerlineX;
  // Python would raise ZeroDivisionError for coincident eyes; NaN/Infinity fail the rule instead.
  const centreOffsetPercent = Math.trunc(
    (Math.abs(eye1Offset - eye2Offset) / ((eye1Offset + eye2Offset) / 2)) * 100,
  );
  const passes =
    eyeDyPercent < L4RZ_MAX_EYE_DY_PERCENT && centreOffsetPercent < L4RZ_MAX_CENTRE_OFFSET_PERCENT;
  return { eyeDyPercent, centreOffsetPercent, passes };
}

const add = (a: Point, b: Point): Point => ({ x: a.x + b.x, y: a.y + b.y });

/** Rotates `p` by −angle about `centre` (undoes an in-plane roll). */
function unroll(p: Point, centre: Point, cos: number, sin: number): Point {
  const dx = p.x - centre.x;
  const dy = p.y - centre.y;
  return { x: dx * cos + dy * sin, y: -dx * sin + dy * cos };
}

/**
 * Roll, yaw and pitch measures from 68 landmarks in the photo's frame, and the l4rz rule against the
 * detector box. Roll spans −180..180 (a face upside down reads about ±180).
 */
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
    l4rzRule: l4rzPoseRule(leftEye, rightEye, box, (roll * 180) / Math.PI),
  };
}
