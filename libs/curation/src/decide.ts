/**
 * Light entry (`@portrait-forge/curation/decide`): re-deciding stored scores, the thresholds, the
 * CSV and the output file names, without the analysis (face detectors, silhouette nets, tfjs):
 * what the long-running review server needs (~90 MB less resident memory than the main index).
 */
export { MANIFEST_FILE } from './lib/output-files';
export {
  decide,
  decideAll,
  symmetryCut,
  REASONS,
  type Reason,
  type DecisionOutcome,
  type DecideChange,
} from './lib/decide';
export {
  defaultThresholds,
  mergeThresholds,
  parseThresholdsJson,
  storedThresholds,
  ThresholdsPatchSchema,
  type Thresholds,
  type ThresholdsPatch,
} from './lib/thresholds';
export { decisionsCsv, writeDecisionsCsv, DECISIONS_CSV_HEADER, DECISIONS_FILE } from './lib/csv';
export { redecide, type RedecideOptions, type RedecideResult } from './lib/redecide';
export { parseReview, applyReview, ReviewFileSchema, type ReviewFile } from './lib/review';
