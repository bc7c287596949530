/**
 * The measured columns of the manifest, declared once each. The schema DDL and migrations
 * (schema.ts), the record types (types.ts), the row codecs (codecs.ts), the upsert SQL and its
 * params (manifest.ts) and the decision inputs (decision-inputs.ts) are all derived from these two
 * tables: adding a score is one entry here (see the README, "Adding a score column").
 */

export type SqlType = 'INTEGER' | 'REAL' | 'TEXT';

export interface ColumnSpec {
  /** Column name in SQLite. */
  readonly sql: string;
  readonly type: SqlType;
  /** Never NULL (only for columns present since schema v1: SQLite cannot add such a column later). */
  readonly notNull?: true;
  /** Schema version that added the column: 1, or the version a later migration adds it in. */
  readonly addedIn: number;
  /** What it holds, for the DDL comment and the README. */
  readonly doc: string;
}

export interface FaceColumnSpec extends ColumnSpec {
  /** Read by the decision (part of DecisionFace), not only stored for people. */
  readonly decides: boolean;
}

/** Per-file raw scores: everything `decide` needs besides the faces, so re-deciding never opens an image. */
export const SCORE_COLUMNS = {
  faceCount: {
    sql: 'face_count',
    type: 'INTEGER',
    addedIn: 1,
    doc: 'faces the face rule counted (the primary and every significant other face)',
  },
  faceSize: { sql: 'face_size', type: 'REAL', addedIn: 1, doc: 'FFHQ quad side (px) of the primary face' },
  roll: { sql: 'roll', type: 'REAL', addedIn: 1, doc: 'primary face, degrees' },
  yaw: {
    sql: 'yaw',
    type: 'REAL',
    addedIn: 1,
    doc: "primary face, degrees: FaceMesh's (mesh_yaw, what `turned` reads) since v7, the 68-point estimate before",
  },
  brisque: {
    sql: 'brisque',
    type: 'REAL',
    addedIn: 1,
    doc: 'BRISQUE of the whole image as OpenCV computes it (ICC ignored; higher = worse)',
  },
  faceBrisque: {
    sql: 'face_brisque',
    type: 'REAL',
    addedIn: 3,
    doc: 'BRISQUE of the aligned face crop at 256 px (what `blurry` is decided on)',
  },
  symmetry: { sql: 'symmetry', type: 'REAL', addedIn: 1, doc: 'pose-symmetry metric of the aligned crop' },
  symmetryBackend: {
    sql: 'symmetry_backend',
    type: 'TEXT',
    addedIn: 1,
    doc: 'silhouette model that scored it',
  },
  symmetryNote: {
    sql: 'symmetry_note',
    type: 'TEXT',
    addedIn: 1,
    doc: 'why symmetry is not scored (`not_scored: <why>`)',
  },
} as const satisfies Record<string, ColumnSpec>;

/** Per-face measures (the box and the landmarks are structural, see codecs.ts). */
export const FACE_COLUMNS = {
  score: { sql: 'score', type: 'REAL', notNull: true, addedIn: 1, decides: true, doc: 'detector score' },
  roll: { sql: 'roll', type: 'REAL', addedIn: 1, decides: true, doc: 'degrees' },
  yaw: { sql: 'yaw', type: 'REAL', addedIn: 1, decides: true, doc: 'degrees (estimate)' },
  pitch: { sql: 'pitch', type: 'REAL', addedIn: 1, decides: true, doc: 'nose/mouth ratio' },
  eyeDyPct: {
    sql: 'eye_dy_pct',
    type: 'REAL',
    addedIn: 1,
    decides: true,
    doc: 'l4rz tilt rule: eye ΔY as % of face height',
  },
  centerDeltaPct: {
    sql: 'center_delta_pct',
    type: 'REAL',
    addedIn: 1,
    decides: true,
    doc: 'l4rz tilt rule: centre-line offset delta, %',
  },
  qsize: { sql: 'qsize', type: 'REAL', addedIn: 1, decides: true, doc: 'FFHQ quad side in source pixels' },
  cutOff: {
    sql: 'cut_off',
    type: 'REAL',
    addedIn: 4,
    decides: true,
    doc: 'fraction of the FFHQ quad outside the photo (face_cut_off)',
  },
  rotationDeg: {
    sql: 'rotation_deg',
    type: 'REAL',
    addedIn: 4,
    decides: false,
    doc: "in-plane rotation from the detector's keypoints, degrees clockwise (BlazeFace only)",
  },
  landmarksAtBorder: {
    sql: 'landmarks_at_border',
    type: 'INTEGER',
    addedIn: 4,
    decides: false,
    doc: 'landmarks within 1 px of the photo border or beyond',
  },
  meshYaw: {
    sql: 'mesh_yaw',
    type: 'REAL',
    addedIn: 7,
    decides: true,
    doc: 'head yaw from FaceMesh depth, degrees (primary face; replaces `yaw` in the turned rule)',
  },
  meshPitch: {
    sql: 'mesh_pitch',
    type: 'REAL',
    addedIn: 7,
    decides: false,
    doc: 'head pitch from FaceMesh depth, degrees, positive bowed (primary face)',
  },
} as const satisfies Record<string, FaceColumnSpec>;

type ValueOf<C extends ColumnSpec> =
  | (C['type'] extends 'TEXT' ? string : number)
  | (C extends { notNull: true } ? never : null);

export type ScoreKey = keyof typeof SCORE_COLUMNS;
export type FaceColumnKey = keyof typeof FACE_COLUMNS;
export type DecidingFaceKey = {
  [K in FaceColumnKey]: (typeof FACE_COLUMNS)[K]['decides'] extends true ? K : never;
}[FaceColumnKey];

/** The raw measurements of one file (one property per SCORE_COLUMNS entry). */
export type RawScores = { [K in ScoreKey]: ValueOf<(typeof SCORE_COLUMNS)[K]> };
/** The stored measures of one face (one property per FACE_COLUMNS entry). */
export type FaceMeasureValues = { [K in FaceColumnKey]: ValueOf<(typeof FACE_COLUMNS)[K]> };

export const SCORE_KEYS = Object.keys(SCORE_COLUMNS) as ScoreKey[];
export const FACE_COLUMN_KEYS = Object.keys(FACE_COLUMNS) as FaceColumnKey[];
export const DECIDING_FACE_KEYS = FACE_COLUMN_KEYS.filter(
  (k): k is DecidingFaceKey => FACE_COLUMNS[k].decides,
);

/** Every score not measured (yet): the starting point of an analysis. */
export function emptyScores(): RawScores {
  return Object.fromEntries(SCORE_KEYS.map((k) => [k, null])) as RawScores;
}

/** `name TYPE [NOT NULL]` for CREATE TABLE / ALTER TABLE … ADD COLUMN. */
export function columnDdl(column: ColumnSpec): string {
  return `${column.sql} ${column.type}${column.notNull ? ' NOT NULL' : ''}`;
}

export function columnsAddedIn<C extends ColumnSpec>(columns: Record<string, C>, version: number): C[] {
  return Object.values(columns).filter((c) => c.addedIn === version);
}
