// The light entry (re-deciding, thresholds, CSV, review files), then the analysis and the pipeline.
export * from './decide';
export { photoBrisqueProblem } from './lib/thresholds';
export {
  runFilter,
  defaultWorkers,
  filterOutDir,
  type FilterOptions,
  type FilterResult,
} from './lib/filter';
export {
  FILE_PROBLEM_REASONS,
  fileProblem,
  formatProblem,
  parseProblem,
  problemOf,
  WorkerCrashedError,
  symmetryNotScored,
  formatSymmetryNote,
  type FileProblem,
  type FileProblemReason,
  type SymmetryNotScored,
} from './lib/problems';
export {
  parseShard,
  shardOf,
  shardLabel,
  shardDirName,
  listShardDirs,
  readShardDone,
  SHARDS_DIR,
  SHARD_DONE_FILE,
  SHARD_INDEX_VARIABLES,
  type Shard,
  type ShardDir,
  type ShardDone,
} from './lib/shard';
export { walkImages, type WalkEntry, type WalkResult } from './lib/walk';
export { sha256, differenceHash, hammingDistance } from './lib/hash';
export { summarise, formatSummary, formatTable, type Summary } from './lib/summary';
export { evaluate, formatEvaluation, type Evaluation } from './lib/decision-evaluation';
export {
  findDuplicates,
  markDuplicates,
  DEFAULT_NEAR_DISTANCE,
  type DuplicateGroup,
  type DedupeResult,
} from './lib/dedupe';
export { exportDataset, sg2adaName, type ExportFormat, type ExportResult } from './lib/export';
export { writeReport, histogramSvg, TILES_PER_PAGE, type ReportResult } from './lib/report';
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
export { mergeShards, type MergeShardsResult } from './lib/merge-shards';
