export {
  symmetryScore,
  rowProfiles,
  bhattacharyyaDistance,
  DEFAULT_SYMMETRY_THRESHOLD,
  type RowProfiles,
} from './lib/metric';
export { SYMMETRY_THRESHOLDS, symmetryThreshold } from './lib/thresholds';
export {
  createSilhouette,
  scoreSymmetry,
  isSilhouetteChoice,
  SILHOUETTE_CHOICES,
  type SilhouetteConfig,
  type SymmetryResult,
} from './lib/create-silhouette';
export {
  isSilhouette,
  type Silhouette,
  type NotAvailable,
  type SilhouetteBackendName,
  type SilhouetteChoice,
} from './lib/silhouette';
export {
  U2NET_MODELS,
  U2NET_INPUT_SIZE,
  preprocessU2net,
  postprocessU2net,
  createU2netSilhouette,
  ensureU2netWeights,
  type U2netWeightsOptions,
} from './lib/u2net';
export { TFJS_SEGMENTERS, createTfjsSilhouette } from './lib/tfjs-segmentation';
export { resizeU8, type ResampleFilter } from './lib/resample';
