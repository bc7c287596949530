export type { Point, Box, DetectedFace, Quad, ImageSize, DetectorKind } from './lib/types';
export { DETECTOR_KINDS, DEFAULT_DETECTOR } from './lib/types';
export {
  createFaceDetector,
  defaultModelDir,
  MAX_LANDMARKED_FACES,
  MAX_DETECTIONS,
  DEFAULT_DETECTOR_MIN_SCORE,
  DEFAULT_MAX_INPUT_SIDE,
  type FaceDetector,
  type FaceDetectorOptions,
} from './lib/detector';
export {
  assessPose,
  l4rzPoseRule,
  eyeCentres,
  NOSE_DEPTH_OVER_HALF_FACE,
  L4RZ_MAX_EYE_DY_PERCENT,
  L4RZ_MAX_CENTRE_OFFSET_PERCENT,
  type PoseMeasures,
  type L4rzRuleMeasures,
} from './lib/pose';
export {
  decideFace,
  decideFromMeasures,
  FACE_REJECT_REASONS,
  pickPrimary,
  isSignificantOther,
  countFaces,
  measureFace,
  type FaceFacts,
  type FaceMeasure,
  type FaceDecision,
  type FaceMeasures,
  type FaceRejectReason,
} from './lib/decision';
export {
  DEFAULT_FACE_CONFIG,
  DETECTOR_SCORE_CUTS,
  defaultFaceConfig,
  parseFaceConfig,
  renameLegacyFaceKeys,
  faceConfigSchema,
  LEGACY_FACE_CONFIG_KEYS,
  type FaceConfig,
} from './lib/face-config';
export { intersectionOverUnion, overlapOfSmaller } from './lib/boxes';
export { createLandmark68Net, LANDMARK68_NET_NAME, type Landmark68Net } from './lib/landmark68';
export { meshFrame, meshPose, FACE_MESH_MODEL, FACE_MESH_INPUT_SIZE, type MeshPose } from './lib/mesh-pose';
export { describeImageProblem, MIN_IMAGE_SIDE, MAX_ASPECT_RATIO } from './lib/image-check';
export {
  ffhqQuad,
  mapToAligned,
  quadOutsideFraction,
  landmarksAtBorder,
  type FfhqCrop,
} from './lib/ffhq-quad';
export {
  alignFace,
  MIN_ALIGNED_SIZE,
  MAX_ALIGNED_SIZE,
  type AlignedFace,
  type AlignOptions,
} from './lib/align';
export {
  readLabels,
  scoreByCategory,
  formatScoreTable,
  REASON_ORDER,
  type LabelledImage,
  type LabelledOutcome,
  type CategoryScore,
} from './lib/labelled-set';
