export type Decision = 'keep' | 'reject';

/** One detected face as stored; coordinates in source-image pixels. */
export interface FaceRecord {
  box: { x: number; y: number; width: number; height: number };
  score: number;
  /** 68 points, flattened [x0, y0, …, x67, y67]. */
  landmarks: number[];
  roll: number | null;
  yaw: number | null;
  pitch: number | null;
  eyeDyPct: number | null;
  centerDeltaPct: number | null;
  /** FFHQ quad side in source pixels (what face_too_small compares with the target size). */
  qsize: number | null;
}

/** The raw measurements of one file: all a decision is computed from. */
export interface RawScores {
  faceCount: number | null;
  faceSize: number | null;
  roll: number | null;
  yaw: number | null;
  brisque: number | null;
  symmetry: number | null;
  symmetryBackend: string | null;
  symmetryNote: string | null;
}

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

/** The per-face numbers a decision needs. */
export type DecisionFace = Pick<
  FaceRecord,
  'box' | 'score' | 'roll' | 'yaw' | 'eyeDyPct' | 'centerDeltaPct' | 'qsize'
> & {
  boxHeight: number;
};

export interface RunInfo {
  id: number;
  kind: string;
  inputRoot: string | null;
  config: Record<string, unknown>;
  thresholds: Record<string, unknown>;
  versions: Record<string, unknown>;
  startedAt: string;
  endedAt: string | null;
  counts: Record<string, number> | null;
}

export interface KeptImage {
  id: number;
  path: string;
  sha256: string;
  alignedPath: string;
  brisque: number | null;
  symmetry: number | null;
  faceSize: number | null;
}
