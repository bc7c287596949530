import { FACE_COLUMN_KEYS, FACE_COLUMNS, SCORE_COLUMNS, SCORE_KEYS, type RawScores } from './columns';
import type { Decision, FaceRecord, FileRecord, StoredFile } from './types';

/** A `files` row as SQLite returns it (score columns by their SQL names). */
export type FileRow = Record<string, unknown> & {
  id: number;
  path: string;
  size: number;
  mtime_ms: number;
  sha256: string | null;
  width: number | null;
  height: number | null;
  decode_error: string | null;
  run_id: number | null;
  aligned_path: string | null;
  aligned_quad: string | null;
  thumb_path: string | null;
  thumb_scale: number | null;
  phash: string | null;
  stage_ms_json: string | null;
  decision: Decision;
  reasons: string;
  override: Decision | null;
  override_note: string | null;
  duplicate_of: number | null;
};

/** A `faces` row (measure columns by their SQL names). */
export type FaceRow = Record<string, unknown> & {
  file_id: number;
  x: number;
  y: number;
  w: number;
  h: number;
  landmarks: Buffer;
};

export function landmarksBlob(points: number[]): Buffer {
  const floats = Float32Array.from(points);
  return Buffer.from(floats.buffer, floats.byteOffset, floats.byteLength);
}

/** Copies (SQLite buffers are not 4-byte aligned) into a Float32Array. */
export function landmarksArray(blob: Buffer): Float32Array {
  const floats = new Float32Array(blob.byteLength / 4);
  new Uint8Array(floats.buffer).set(blob);
  return floats;
}

export const joinReasons = (reasons: readonly string[]): string => reasons.join(';');
export const splitReasons = (joined: string): string[] => (joined ? joined.split(';') : []);

/** Reads the score columns of a row: `value(sqlName, i)` gives the i-th score column's value. */
export function decodeScores(value: (sql: string, i: number) => unknown): RawScores {
  return Object.fromEntries(
    SCORE_KEYS.map((k, i) => [k, value(SCORE_COLUMNS[k].sql, i) ?? null]),
  ) as RawScores;
}

/** Named params for the files upsert: `@<key>` for each score, beside the structural columns. */
export function fileParams(r: FileRecord, runId: number | null): Record<string, unknown> {
  return {
    path: r.path,
    size: r.size,
    mtimeMs: r.mtimeMs,
    sha256: r.sha256,
    width: r.width,
    height: r.height,
    decodeError: r.decodeError,
    runId,
    ...Object.fromEntries(SCORE_KEYS.map((k) => [`score_${k}`, r.scores[k]])),
    alignedPath: r.alignedPath,
    alignedQuad: r.alignedQuad ? JSON.stringify(r.alignedQuad) : null,
    thumbPath: r.thumbPath,
    thumbScale: r.thumbScale,
    phash: r.phash,
    stageMs: JSON.stringify(r.stageMs),
    decision: r.decision,
    reasons: joinReasons(r.reasons),
  };
}

export function decodeFile(r: FileRow, faces: FaceRecord[]): StoredFile {
  return {
    id: r.id,
    runId: r.run_id,
    path: r.path,
    size: r.size,
    mtimeMs: r.mtime_ms,
    sha256: r.sha256,
    width: r.width,
    height: r.height,
    decodeError: r.decode_error,
    scores: decodeScores((sql) => r[sql]),
    faces,
    alignedPath: r.aligned_path,
    alignedQuad: r.aligned_quad ? JSON.parse(r.aligned_quad) : null,
    thumbPath: r.thumb_path,
    thumbScale: r.thumb_scale,
    phash: r.phash,
    stageMs: r.stage_ms_json ? JSON.parse(r.stage_ms_json) : {},
    decision: r.decision,
    reasons: splitReasons(r.reasons),
    override: r.override,
    overrideNote: r.override_note,
    duplicateOf: r.duplicate_of,
  };
}

/** Named params for one face insert: box, landmarks and `@face_<key>` per measure. */
export function faceParams(fileId: number, idx: number, f: FaceRecord): Record<string, unknown> {
  return {
    fileId,
    idx,
    x: f.box.x,
    y: f.box.y,
    w: f.box.width,
    h: f.box.height,
    landmarks: landmarksBlob(f.landmarks),
    ...Object.fromEntries(FACE_COLUMN_KEYS.map((k) => [`face_${k}`, f[k]])),
  };
}

export function decodeFace(r: FaceRow): FaceRecord {
  const measures = Object.fromEntries(FACE_COLUMN_KEYS.map((k) => [k, r[FACE_COLUMNS[k].sql] ?? null]));
  return {
    box: { x: r.x, y: r.y, width: r.w, height: r.h },
    landmarks: Array.from(landmarksArray(r.landmarks)),
    ...(measures as Omit<FaceRecord, 'box' | 'landmarks'>),
  };
}
