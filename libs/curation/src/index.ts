export {
  runFilter,
  defaultWorkers,
  MANIFEST_FILE,
  DECISIONS_FILE,
  type FilterOptions,
  type FilterResult,
} from './lib/filter';
export {
  decide,
  decideAll,
  toDecisionInput,
  errorReason,
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
export { walkImages, IMAGE_EXTENSIONS, type WalkEntry, type WalkResult } from './lib/walk';
export { sha256, differenceHash, hammingDistance } from './lib/hash';
export { decisionsCsv, DECISIONS_CSV_HEADER } from './lib/csv';
export { summarise, formatSummary, formatTable, type Summary } from './lib/summary';
export { parseLabels, evaluate, formatEvaluation, type LabelRow, type Evaluation } from './lib/evaluate';
export { findDuplicates, DEFAULT_NEAR_DISTANCE, type DuplicateGroup } from './lib/dedupe';
export { exportDataset, sg2adaName, type ExportFormat, type ExportResult } from './lib/export';
export { parseReview, ReviewFileSchema, type ReviewFile } from './lib/review';
export { writeReport, histogramSvg, TILES_PER_PAGE, type ReportResult } from './lib/report';
export { redecide, type RedecideResult } from './lib/redecide';
export {
  createAnalyzer,
  DETECTION_MAX_SIDE,
  type Analysis,
  type AnalysisConfig,
  type Analyzer,
  type Stage,
} from './lib/analyse';
export { RateMeter } from './lib/progress';
export { atFaceBrisqueSize, FACE_BRISQUE_SIZE, DEFAULT_FACE_BRISQUE_THRESHOLD } from './lib/face-brisque';
export { evaluateRun, type FolderEvaluation } from './lib/evaluate-folder';
