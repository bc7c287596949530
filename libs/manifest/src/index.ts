export { ManifestError } from './lib/errors';
export { Manifest, type OpenOptions } from './lib/manifest';
export { SCHEMA_VERSION, MIGRATIONS } from './lib/schema';
export {
  SCORE_COLUMNS,
  FACE_COLUMNS,
  emptyScores,
  type ColumnSpec,
  type FaceColumnSpec,
  type ScoreKey,
  type FaceColumnKey,
} from './lib/columns';
export { decisionInputOf, decisionFace } from './lib/decision-inputs';
export { isKept, effectiveDecision, notKeptReasons, KEPT_WHERE, type KeptFacts } from './lib/kept';
export {
  RUN_CONFIGS,
  RUN_KINDS,
  type RunKind,
  type RunConfig,
  type RunInfo,
  type NewRun,
  type StoredThresholds,
} from './lib/runs';
export type {
  Decision,
  DecisionInput,
  DecisionFace,
  FaceRecord,
  FileRecord,
  KeptImage,
  RawScores,
  StoredFile,
} from './lib/types';
export {
  GALLERY_SORTS,
  GALLERY_SORT_SQL,
  NUMERIC_SCORE_KEYS,
  type NumericScoreKey,
  DEFAULT_PAGE_SIZE,
  MAX_PAGE_SIZE,
  type GallerySort,
  type GalleryCursor,
  type GalleryQuery,
  type GalleryPage,
  type GalleryTile,
  type GalleryScores,
  type GalleryCounts,
  type FileDetail,
  type MediaPaths,
  type ReviewLogEntry,
} from './lib/gallery';
export {
  lockManifest,
  withManifestLock,
  lockFileOf,
  ManifestLockedError,
  LockHolderSchema,
  type LockHolder,
  type ManifestLock,
} from './lib/lock';
export {
  mergeManifests,
  mergeSource,
  type MergeSource,
  type MergeOptions,
  type MergeResult,
} from './lib/merge';
