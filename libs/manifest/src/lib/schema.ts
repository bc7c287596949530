import type Database from 'better-sqlite3';

/**
 * Ordered migrations; `PRAGMA user_version` holds how many have run. Append, never edit, so that
 * every manifest written by an older build upgrades in place.
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE runs (
    id            INTEGER PRIMARY KEY,
    kind          TEXT NOT NULL,              -- filter | decide | review | dedupe
    input_root    TEXT,
    config_json   TEXT NOT NULL DEFAULT '{}', -- full run config (size, workers, stages …)
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
    decode_error  TEXT,                       -- why the file could not be read/decoded, for people
    run_id        INTEGER REFERENCES runs(id),
    -- raw scores: everything decide needs, so re-deciding never touches an image
    face_count    INTEGER,
    face_size     REAL,                       -- short side (px) of the primary face box
    roll          REAL,                       -- primary face, degrees
    yaw           REAL,                       -- primary face, degrees (estimate)
    brisque       REAL,
    symmetry      REAL,
    symmetry_backend TEXT,
    symmetry_note TEXT,                       -- why symmetry is not scored, when it is not
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
    idx           INTEGER NOT NULL,           -- 0 = primary (largest) face
    x REAL NOT NULL, y REAL NOT NULL, w REAL NOT NULL, h REAL NOT NULL,
    score         REAL NOT NULL,
    landmarks     BLOB NOT NULL,              -- float32 little-endian [x0,y0,…,x67,y67], source pixels
    roll          REAL,
    yaw           REAL,
    pitch         REAL,
    eye_dy_pct    REAL,                       -- seed rule: eye ΔY as % of face height
    center_delta_pct REAL,                    -- seed rule: centre-line offset delta, %
    qsize         REAL,                       -- FFHQ quad side in source pixels
    PRIMARY KEY (file_id, idx)
  );

  CREATE INDEX files_sha256 ON files(sha256);

  -- What the trainer reads: kept (by decision or override), not a duplicate, with an aligned crop.
  CREATE VIEW kept AS
    SELECT id, path, sha256, aligned_path, brisque, symmetry, face_size
    FROM files
    WHERE COALESCE(override, decision) = 'keep' AND duplicate_of IS NULL AND aligned_path IS NOT NULL;
  `,
  // v2, the review server (gallery.ts): when an override was set, an undo log, and indexes for paging
  // 200 k rows sorted by a score (roll/yaw sort by magnitude, hence the expression indexes).
  `
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
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** Brings a database to SCHEMA_VERSION; refuses one written by a newer build. */
export function migrate(db: Database.Database, file: string): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > SCHEMA_VERSION) {
    throw new Error(
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
