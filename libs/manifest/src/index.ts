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
export {
  GALLERY_SORTS,
  GALLERY_SORT_SQL,
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
