import type Database from 'better-sqlite3';
import { DECIDING_FACE_KEYS, FACE_COLUMNS, SCORE_COLUMNS, SCORE_KEYS } from './columns';
import { decodeScores, splitReasons } from './codecs';
import type { DecisionFace, DecisionInput, FaceRecord, FileRecord } from './types';

const FILE_COLUMNS = [
  'f.id',
  'f.path',
  'f.width',
  'f.height',
  'f.decode_error',
  'f.aligned_path IS NOT NULL',
  'f.decision',
  'f.reasons',
  ...SCORE_KEYS.map((k) => `f.${SCORE_COLUMNS[k].sql}`),
] as const;
const FACE_SELECT = [
  'x.h',
  'x.x',
  'x.y',
  'x.w',
  ...DECIDING_FACE_KEYS.map((k) => `x.${FACE_COLUMNS[k].sql}`),
];
const SCORES_AT = 8;
const FACE_AT = FILE_COLUMNS.length;

/**
 * One query joining each file to its faces (no landmarks), one result row per face, so a file with
 * k faces comes back k times in a row (once with nulls if none). Raw rows: this is the hot path of
 * `decide` (tens of thousands of rows). A batch is the files with id > `afterId` (and matching
 * `where`, SQL over the files columns), at most `limit`.
 */
const query = (batch?: DecisionInputBatch) => `SELECT ${[...FILE_COLUMNS, ...FACE_SELECT].join(', ')}
  FROM ${batch ? `(SELECT * FROM files WHERE id > @afterId AND (${batch.where ?? '1'}) ORDER BY id LIMIT @limit)` : 'files'} f
  LEFT JOIN faces x ON x.file_id = f.id
  ORDER BY f.id, x.idx`;

/** The compact rows `decide` works on: raw scores and the deciding face measures, no landmarks. */
export interface DecisionInputBatch {
  afterId: number;
  limit: number;
  where?: string;
}

export function readDecisionInputs(db: Database.Database, batch?: DecisionInputBatch): DecisionInput[] {
  const statement = db.prepare(query(batch)).raw();
  const rows = (
    batch ? statement.all({ afterId: batch.afterId, limit: batch.limit }) : statement.all()
  ) as unknown[][];
  const inputs: DecisionInput[] = [];
  let last: DecisionInput | undefined;
  for (const r of rows) {
    if (r[0] !== last?.id) {
      last = {
        id: r[0] as number,
        path: r[1] as string,
        width: r[2] as number | null,
        height: r[3] as number | null,
        decodeError: r[4] as string | null,
        hasAligned: r[5] === 1,
        decision: r[6] as DecisionInput['decision'],
        reasons: splitReasons(r[7] as string),
        scores: decodeScores((_, i) => r[SCORES_AT + i]),
        faces: [],
      };
      inputs.push(last);
    }
    if (r[FACE_AT] !== null) {
      const [height, x, y, width] = r.slice(FACE_AT, FACE_AT + 4) as number[];
      const measures = Object.fromEntries(DECIDING_FACE_KEYS.map((k, i) => [k, r[FACE_AT + 4 + i]]));
      const face = {
        ...(measures as Omit<DecisionFace, 'boxHeight' | 'box'>),
        boxHeight: height,
        box: { x, y, width, height },
      };
      inputs[inputs.length - 1].faces.push(face);
    }
  }
  return inputs;
}

/** The numbers of one face a decision reads. */
export function decisionFace(face: FaceRecord): DecisionFace {
  const measures = Object.fromEntries(DECIDING_FACE_KEYS.map((k) => [k, face[k]]));
  return {
    ...(measures as Omit<DecisionFace, 'boxHeight' | 'box'>),
    boxHeight: face.box.height,
    box: face.box,
  };
}

/** The decision input of a freshly analysed record (the shape decisionInputs() gives back). */
export function decisionInputOf(record: FileRecord, id = 0): DecisionInput {
  return {
    id,
    path: record.path,
    width: record.width,
    height: record.height,
    decodeError: record.decodeError,
    hasAligned: record.alignedPath !== null,
    decision: record.decision,
    reasons: record.reasons,
    scores: record.scores,
    faces: record.faces.map(decisionFace),
  };
}
