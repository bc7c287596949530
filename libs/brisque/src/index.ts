export {
  brisque,
  brisqueScore,
  brisqueFeatures,
  brisqueScoreFromFeatures,
  DEFAULT_BRISQUE_THRESHOLD,
  type BrisqueResult,
} from './lib/brisque';
export {
  loadBrisqueModel,
  parseBrisqueModel,
  DEFAULT_MODEL_PATH,
  DEFAULT_RANGE_PATH,
  type BrisqueModel,
} from './lib/model';
export { fitAggd, type AggdFit } from './lib/aggd';
export { computeMscn } from './lib/mscn';
export { FEATURE_COUNT } from './lib/features';
export { readImageLikeOpenCv } from './lib/read-like-opencv';
