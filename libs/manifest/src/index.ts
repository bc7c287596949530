export { Manifest, type OpenOptions } from './lib/manifest';
export { SCHEMA_VERSION, MIGRATIONS } from './lib/schema';
export type {
  Decision,
  DecisionInput,
  DecisionFace,
  FaceRecord,
  FileRecord,
  KeptImage,
  RawScores,
  RunInfo,
  StoredFile,
} from './lib/types';
