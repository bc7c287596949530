export type { Point, Box, DetectedFace, Quad, ImageSize, DetectorKind } from './lib/types';
export { DETECTOR_KINDS, DEFAULT_DETECTOR } from './lib/types';
export {
  createFaceDetector,
  defaultModelDir,
  MAX_LANDMARKED_FACES,
  DEFAULT_DETECTOR_MIN_SCORE,
  DEFAULT_MAX_INPUT_SIDE,
  type FaceDetector,
  type FaceDetectorOptions,
} from './lib/detector';
export {
  assessPose,
  seedTiltRule,
  eyeCentres,
  NOSE_DEPTH_OVER_HALF_FACE,
  type PoseMeasures,
  type SeedRuleMeasures,
} from './lib/pose';
export {
  decideFace,
  decideFromMeasures,
  FACE_REJECT_REASONS,
  pickPrimary,
  isSignificantOther,
  DEFAULT_FACE_CONFIG,
  DETECTOR_SCORE_CUTS,
  defaultFaceConfig,
  type FaceFacts,
  type FaceConfig,
  type FaceDecision,
  type FaceMeasures,
  type FaceRejectReason,
} from './lib/decision';
export { describeImageProblem, MIN_IMAGE_SIDE, MAX_ASPECT_RATIO } from './lib/image-check';
export { ffhqQuad, mapToAligned, type FfhqCrop } from './lib/ffhq-quad';
export {
  alignFace,
  MIN_ALIGNED_SIZE,
  MAX_ALIGNED_SIZE,
  type AlignedFace,
  type AlignOptions,
} from './lib/align';
export {
  scoreByCategory,
  formatScoreTable,
  REASON_ORDER,
  type LabelledImage,
  type LabelledOutcome,
  type CategoryScore,
} from './lib/evaluate';
