import type { DecidingFaceKey, FaceMeasureValues, RawScores } from './columns';

export type { RawScores };
export type Decision = 'keep' | 'reject';

/** One detected face as stored; coordinates in source-image pixels. */
export type FaceRecord = {
  box: { x: number; y: number; width: number; height: number };
  /** 68 points, flattened [x0, y0, …, x67, y67]. */
  landmarks: number[];
} & FaceMeasureValues;

/** Everything `filter` learns about one source file. */
export interface FileRecord {
  path: string;
  size: number;
  mtimeMs: number;
  sha256: string | null;
  width: number | null;
  height: number | null;
  decodeError: string | null;
  scores: RawScores;
  faces: FaceRecord[];
  alignedPath: string | null;
  alignedQuad: number[] | null;
  thumbPath: string | null;
  thumbScale: number | null;
  phash: string | null;
  stageMs: Record<string, number>;
  decision: Decision;
  reasons: string[];
}

/** A stored file row as read back (with its id, run and review state). */
export interface StoredFile extends FileRecord {
  id: number;
  runId: number | null;
  override: Decision | null;
  overrideNote: string | null;
  duplicateOf: number | null;
}

/** The compact per-file view `decide` reads: raw scores and per-face measures, no landmarks. */
export interface DecisionInput {
  id: number;
  path: string;
  width: number | null;
  height: number | null;
  decodeError: string | null;
  scores: RawScores;
  faces: DecisionFace[];
  hasAligned: boolean;
  decision: Decision;
  reasons: string[];
}

/** The per-face numbers a decision needs (FACE_COLUMNS marked `decides`, and the box height). */
export type DecisionFace = Pick<FaceMeasureValues, DecidingFaceKey> & {
  boxHeight: number;
  /** The detection box, to tell a second reading of the primary face from another face. */
  box: FaceRecord['box'];
};

export interface KeptImage {
  id: number;
  path: string;
  sha256: string;
  alignedPath: string;
  brisque: number | null;
  symmetry: number | null;
  faceSize: number | null;
}
