/**
 * Light entry (`@portrait-forge/symmetry/thresholds`): the per-backend cuts and the backend names,
 * without the segmentation models, for code that only re-decides stored scores (the review server).
 */
export { SYMMETRY_THRESHOLDS, symmetryThreshold } from './lib/thresholds';
export { DEFAULT_SYMMETRY_THRESHOLD } from './lib/metric';
export {
  isSilhouetteChoice,
  SILHOUETTE_CHOICES,
  type SilhouetteBackendName,
  type SilhouetteChoice,
} from './lib/silhouette';
