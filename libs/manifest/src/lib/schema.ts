import type Database from 'better-sqlite3';
import { columnDdl, columnsAddedIn, FACE_COLUMNS, SCORE_COLUMNS, type ColumnSpec } from './columns';
import { KEPT_WHERE } from './kept';
import { ManifestError } from './errors';

const ddlLines = (columns: readonly ColumnSpec[]) =>
  columns
    .map((c) => `    ${columnDdl(c)},${' '.repeat(Math.max(1, 28 - columnDdl(c).length))}-- ${c.doc}`)
    .join('\n');

/** Schema v1, with the score and face columns that v1 had (later ones are added by their migrations). */
const V1 = `
  CREATE TABLE runs (
    id            INTEGER PRIMARY KEY,
    kind          TEXT NOT NULL,              -- filter | decide | review | dedupe
    input_root    TEXT,
    config_json   TEXT NOT NULL DEFAULT '{}', -- the run's config (runs.ts: one schema per kind)
    thresholds_json TEXT NOT NULL DEFAULT '{}',
    versions_json TEXT NOT NULL DEFAULT '{}', -- package + schema versions
    started_at    TEXT NOT NULL,
    ended_at      TEXT,
    counts_json   TEXT                        -- outcome counts by reason, filled at the end
  );

  CREATE TABLE files (
    id            INTEGER PRIMARY KEY,
    path          TEXT NOT NULL UNIQUE,       -- relative to the input root, '/' separators
    size          INTEGER NOT NULL,
    mtime_ms      REAL NOT NULL,
    sha256        TEXT,                       -- content hash; NULL when the file could not be read
    width         INTEGER,
    height        INTEGER,
    decode_error  TEXT,                       -- the file problem, \`<reason>: <detail>\`
    run_id        INTEGER REFERENCES runs(id),
    -- raw scores (columns.ts SCORE_COLUMNS): everything decide needs, so re-deciding never touches an image
${ddlLines(columnsAddedIn(SCORE_COLUMNS, 1))}
    aligned_path  TEXT,                       -- relative to the output dir
    aligned_quad  TEXT,                       -- JSON [x0,y0,…,x3,y3] in source pixels
    thumb_path    TEXT,                       -- relative to the output dir
    thumb_scale   REAL,                       -- thumbnail px per source px
    phash         TEXT,                       -- 64-bit dHash of the aligned crop, hex
    stage_ms_json TEXT,
    -- decision
    decision      TEXT NOT NULL CHECK (decision IN ('keep', 'reject')),
    reasons       TEXT NOT NULL DEFAULT '',   -- all reasons, ';'-joined, empty when kept
    override      TEXT CHECK (override IN ('keep', 'reject')),
    override_note TEXT,
    duplicate_of  INTEGER REFERENCES files(id)
  );

  CREATE TABLE faces (
    file_id       INTEGER NOT NULL REFERENCES files(id) ON DELETE CASCADE,
    idx           INTEGER NOT NULL,           -- 0 = first detection
    x REAL NOT NULL, y REAL NOT NULL, w REAL NOT NULL, h REAL NOT NULL,
    landmarks     BLOB NOT NULL,              -- float32 little-endian [x0,y0,…,x67,y67], source pixels
    -- per-face measures (columns.ts FACE_COLUMNS)
${ddlLines(columnsAddedIn(FACE_COLUMNS, 1))}
    PRIMARY KEY (file_id, idx)
  );

  CREATE INDEX files_sha256 ON files(sha256);

  -- What the trainer reads (kept.ts: isKept is the same rule in TypeScript).
  CREATE VIEW kept AS
    SELECT id, path, sha256, aligned_path, brisque, symmetry, face_size
    FROM files
    WHERE ${KEPT_WHERE};
`;

/**
 * Steps after v1 that are not new columns (a new column only needs its `addedIn` in columns.ts),
 * by the version they bring the database to. Append, never edit, so that every manifest written by
 * an older build upgrades in place.
 */
const LATER_STEPS: Readonly<Record<number, string>> = {
  // v2, the review server (gallery.ts): when an override was set, an undo log, and indexes for paging
  // 200 k rows sorted by a score (roll/yaw sort by magnitude, hence the expression indexes).
  2: `
  ALTER TABLE files ADD COLUMN override_at TEXT;

  CREATE TABLE review_log (
    id            INTEGER PRIMARY KEY,
    file_id       INTEGER NOT NULL REFERENCES files(id) ON DELETE CASCADE,
    at            TEXT NOT NULL,
    override      TEXT CHECK (override IN ('keep', 'reject')),
    note          TEXT,
    -- the state it replaced, so an undo restores it exactly
    prev_override TEXT CHECK (prev_override IN ('keep', 'reject')),
    prev_note     TEXT,
    prev_at       TEXT,
    undone_at     TEXT
  );
  CREATE INDEX review_log_file ON review_log(file_id);

  CREATE INDEX files_brisque ON files(brisque);
  CREATE INDEX files_symmetry ON files(symmetry);
  CREATE INDEX files_face_size ON files(face_size);
  CREATE INDEX files_face_count ON files(face_count);
  CREATE INDEX files_abs_roll ON files(abs(roll));
  CREATE INDEX files_abs_yaw ON files(abs(yaw));
  CREATE INDEX files_duplicate_of ON files(duplicate_of);
  `,
  // v5: the gallery sorts by face BRISQUE (v3's column) as fast as by the others.
  5: `CREATE INDEX IF NOT EXISTS files_face_brisque ON files(face_brisque);`,
  // v6, the review server at 200 k rows: counting kept files reads a partial index on the kept
  // view's condition, and the counts per reason set read an index instead of sorting the table.
  // duplicate_of is indexed only where set: as a full index, the planner took the kept condition's
  // `duplicate_of IS NULL` for a selective lookup and read every kept file to sort them.
  6: `
  CREATE INDEX files_kept ON files(id) WHERE ${KEPT_WHERE};
  DROP INDEX files_duplicate_of;
  CREATE INDEX files_duplicate_of ON files(duplicate_of) WHERE duplicate_of IS NOT NULL;
  CREATE INDEX files_reasons ON files(reasons);
  `,
};

const columnVersions = [...Object.values(SCORE_COLUMNS), ...Object.values(FACE_COLUMNS)].map(
  (c: ColumnSpec) => c.addedIn,
);
export const SCHEMA_VERSION = Math.max(1, ...columnVersions, ...Object.keys(LATER_STEPS).map(Number));

/** The SQL that brings a database from `version - 1` to `version`. */
export function migrationTo(version: number): string {
  if (version === 1) return V1;
  const add = (table: string, columns: readonly ColumnSpec[]) =>
    columns.map((c) => `ALTER TABLE ${table} ADD COLUMN ${columnDdl(c)};`);
  const sql = [
    ...add('files', columnsAddedIn(SCORE_COLUMNS, version)),
    ...add('faces', columnsAddedIn(FACE_COLUMNS, version)),
    LATER_STEPS[version] ?? '',
  ].join('\n');
  if (!sql.trim())
    throw new Error(`manifest schema v${version} has no migration step (columns.ts addedIn gap?)`);
  return sql;
}

/** Every migration, in order (index v-1 brings a database to v). */
export const MIGRATIONS: readonly string[] = Array.from({ length: SCHEMA_VERSION }, (_, i) =>
  migrationTo(i + 1),
);

/** Brings a database to SCHEMA_VERSION; refuses one written by a newer build. */
export function migrate(db: Database.Database, file: string): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > SCHEMA_VERSION) {
    throw new ManifestError(
      `${file}: manifest schema v${current} is newer than this build understands (v${SCHEMA_VERSION}); update portrait-forge`,
    );
  }
  for (let v = current; v < SCHEMA_VERSION; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}
