/**
 * Light entry (`@portrait-forge/face/decision`): the face rule over stored measures and its config,
 * without the detectors (tfjs, face-api), for code that only re-decides stored scores (the review server).
 */
export { DETECTOR_KINDS, DEFAULT_DETECTOR, type DetectorKind, type ImageSize } from './lib/types';
export {
  decideFromMeasures,
  FACE_REJECT_REASONS,
  type FaceMeasures,
  type FaceRejectReason,
} from './lib/decision';
export {
  DEFAULT_FACE_CONFIG,
  defaultFaceConfig,
  parseFaceConfig,
  LEGACY_FACE_CONFIG_KEYS,
  type FaceConfig,
} from './lib/face-config';
