import Database from 'better-sqlite3';
import { closeSync, existsSync, fsyncSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, isAbsolute, relative, sep } from 'node:path';
import { ManifestError } from './errors';
import { lockManifest, type ManifestLock } from './lock';
import { Manifest } from './manifest';
import { RUN_CONFIGS, type RunInfo } from './runs';
import { SCHEMA_VERSION, migrate } from './schema';

/** One manifest to merge in; `label` names it in messages and in its runs' `versions_json.mergedFrom`. */
export interface MergeSource {
  file: string;
  label: string;
}

export interface MergeOptions {
  /** Runs on the merged manifest before it replaces the target (e.g. re-deciding with the latest thresholds). */
  finish?: (merged: Manifest) => void;
  log?: (line: string) => void;
}

export interface MergeResult {
  files: number;
  faces: number;
  /** The same path with the same content in two sources: stored once. */
  duplicates: Array<{ path: string; kept: string; dropped: string }>;
  /** Runs and review overrides made on the previous merged manifest, carried into the new one. */
  carried: { runs: number; overrides: number; duplicateLinks: number };
  ms: number;
}

/**
 * The filter settings that change what a row holds: sources that differ in one cannot be merged
 * (workers, resume, shard and prune change nothing in a row).
 */
const ROW_SHAPING: ReadonlyArray<keyof (typeof RUN_CONFIGS)['filter']['shape']> = [
  'input',
  'size',
  'detector',
  'silhouette',
  'maxPixels',
];

/** Refuses sources whose last filter runs differ in a row-shaping setting or in thresholds, naming both. */
function checkCompatible(
  sources: readonly MergeSource[],
  lastFilters: Array<RunInfo<'filter'> | null>,
): void {
  let reference: { source: MergeSource; run: RunInfo<'filter'> } | null = null;
  sources.forEach((source, i) => {
    const run = lastFilters[i];
    if (!run) return;
    if (!reference) {
      reference = { source, run };
      return;
    }
    const ref: { source: MergeSource; run: RunInfo<'filter'> } = reference;
    const differ = (what: string, a: unknown, b: unknown) => {
      throw new ManifestError(
        `cannot merge: ${ref.source.label} and ${source.label} were filtered with different ${what} (${a} vs ${b}); re-run one of them with the other's settings`,
      );
    };
    for (const key of ROW_SHAPING) {
      if (ref.run.config[key] !== run.config[key]) differ(`--${key}`, ref.run.config[key], run.config[key]);
    }
    const [a, b] = [JSON.stringify(ref.run.thresholds), JSON.stringify(run.thresholds)];
    if (a !== b) differ('thresholds', a, b);
  });
}

/** `dir/` relative to the target's folder, '/'-separated ('' for the target's own folder). */
function pathPrefix(target: string, source: string): string {
  const rel = relative(dirname(target), dirname(source)).split(sep).join('/');
  return rel === '' ? '' : `${rel}/`;
}

const prefixed = (column: string) =>
  `CASE WHEN ${column} IS NULL OR substr(${column}, 1, 1) = '/' THEN ${column} ELSE @prefix || ${column} END`;

const maxId = (db: Database.Database, table: string): number =>
  (db.prepare(`SELECT COALESCE(MAX(id), 0) AS n FROM main.${table}`).get() as { n: number }).n;

const columnsOf = (db: Database.Database, table: string): string[] =>
  (db.prepare(`SELECT name FROM pragma_table_info('${table}')`).all() as Array<{ name: string }>).map(
    (c) => c.name,
  );

/** Copies one attached source (`src`) into main: runs, files, faces and review log, ids shifted past main's. */
function copySource(db: Database.Database, source: MergeSource, prefix: string): MergeResult['duplicates'] {
  const runOffset = maxId(db, 'runs');
  const fileOffset = maxId(db, 'files');
  db.prepare(
    `INSERT INTO main.runs (id, kind, input_root, config_json, thresholds_json, versions_json, started_at, ended_at, counts_json)
     SELECT id + @runOffset, kind, input_root, config_json, thresholds_json,
       CASE WHEN json_extract(versions_json, '$.mergedFrom') IS NULL
         THEN json_set(versions_json, '$.mergedFrom', @label) ELSE versions_json END,
       started_at, ended_at, counts_json
     FROM src.runs ORDER BY id`,
  ).run({ runOffset, label: source.label });

  db.exec(`DROP TABLE IF EXISTS temp.seen;
    CREATE TEMP TABLE seen AS
      SELECT s.id AS sid, s.path AS path, s.sha256 AS sha, m.sha256 AS msha,
        (SELECT json_extract(r.versions_json, '$.mergedFrom') FROM main.runs r WHERE r.id = m.run_id) AS kept
      FROM src.files s JOIN main.files m ON m.path = s.path;`);
  const seen = db.prepare(`SELECT path, sha, msha, kept FROM temp.seen`).all() as Array<{
    path: string;
    sha: string | null;
    msha: string | null;
    kept: string | null;
  }>;
  const conflict = seen.find((s) => s.sha !== s.msha);
  if (conflict) {
    throw new ManifestError(
      `cannot merge: ${conflict.path} is in ${conflict.kept ?? 'an earlier source'} and in ${source.label} with different content (sha256 ${conflict.msha?.slice(0, 12)}… vs ${conflict.sha?.slice(0, 12)}…); re-run filter on one of them so both saw the same file`,
    );
  }

  const fileColumns = columnsOf(db, 'files');
  const shifted: Record<string, string> = {
    id: 'id + @fileOffset',
    run_id: 'run_id + @runOffset',
    aligned_path: prefixed('aligned_path'),
    thumb_path: prefixed('thumb_path'),
    // A link to a row dropped as a duplicate points at the row kept instead.
    duplicate_of: `CASE WHEN duplicate_of IS NULL THEN NULL
      WHEN duplicate_of IN (SELECT sid FROM temp.seen)
        THEN (SELECT m.id FROM main.files m JOIN temp.seen t ON t.path = m.path WHERE t.sid = f.duplicate_of)
      ELSE duplicate_of + @fileOffset END`,
  };
  db.prepare(
    `INSERT INTO main.files (${fileColumns.join(', ')})
     SELECT ${fileColumns.map((c) => shifted[c] ?? c).join(', ')}
     FROM src.files f WHERE id NOT IN (SELECT sid FROM temp.seen) ORDER BY id`,
  ).run({ fileOffset, runOffset, prefix });

  const faceColumns = columnsOf(db, 'faces');
  db.prepare(
    `INSERT INTO main.faces (${faceColumns.join(', ')})
     SELECT ${faceColumns.map((c) => (c === 'file_id' ? 'file_id + @fileOffset' : c)).join(', ')}
     FROM src.faces WHERE file_id NOT IN (SELECT sid FROM temp.seen)`,
  ).run({ fileOffset });

  const logColumns = columnsOf(db, 'review_log').filter((c) => c !== 'id');
  db.prepare(
    `INSERT INTO main.review_log (${logColumns.join(', ')})
     SELECT ${logColumns.map((c) => (c === 'file_id' ? 'file_id + @fileOffset' : c)).join(', ')}
     FROM src.review_log WHERE file_id NOT IN (SELECT sid FROM temp.seen) ORDER BY id`,
  ).run({ fileOffset });
  return seen.map((s) => ({ path: s.path, kept: s.kept ?? '?', dropped: source.label }));
}

/**
 * What was done on the previous merged manifest itself (`old`) survives a re-merge: its own runs
 * (decide, review, dedupe: those without `mergedFrom`), review overrides newer than the sources'
 * (matched by path and content hash) and duplicate links.
 */
function carryLocalState(db: Database.Database): MergeResult['carried'] {
  const runOffset = maxId(db, 'runs');
  const runs = db
    .prepare(
      `INSERT INTO main.runs (id, kind, input_root, config_json, thresholds_json, versions_json, started_at, ended_at, counts_json)
       SELECT id + ?, kind, input_root, config_json, thresholds_json, versions_json, started_at, ended_at, counts_json
       FROM old.runs WHERE kind != 'merge' AND json_extract(versions_json, '$.mergedFrom') IS NULL ORDER BY id`,
    )
    .run(runOffset).changes;
  const overrides = db
    .prepare(
      `UPDATE main.files SET override = o.override, override_note = o.override_note, override_at = o.override_at
       FROM old.files o
       WHERE o.path = files.path AND o.sha256 IS files.sha256 AND o.override_at IS NOT NULL
         AND (files.override_at IS NULL OR o.override_at > files.override_at)`,
    )
    .run().changes;
  const duplicateLinks = db
    .prepare(
      `UPDATE main.files SET duplicate_of = n.id
       FROM old.files o JOIN old.files od ON od.id = o.duplicate_of JOIN main.files n ON n.path = od.path
       WHERE o.path = files.path AND files.duplicate_of IS NULL`,
    )
    .run().changes;
  return { runs, overrides, duplicateLinks };
}

function fsyncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Merges `sources` into `target` (curate merge). The result is built in a temp database beside the
 * target and renamed over it, so a killed merge leaves the previous target intact; the target and
 * every source are locked for the duration (lock.ts), so no filter writes them meanwhile. Merging the
 * same sources again gives the same rows. Refuses sources filtered with different settings, and a
 * path whose content differs between sources.
 */
export function mergeManifests(
  target: string,
  sources: readonly MergeSource[],
  options: MergeOptions = {},
): MergeResult {
  const t0 = performance.now();
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  if (sources.length === 0) throw new ManifestError(`nothing to merge into ${target}: no source manifests`);
  const locks: ManifestLock[] = [];
  const temp = `${target}.merging`;
  try {
    locks.push(lockManifest(target, 'merge', log));
    for (const s of sources) locks.push(lockManifest(s.file, `merge into ${target}`, log));
    // Opening each source read-write once brings it to this build's schema.
    const lastFilters = sources.map((s) => {
      const m = Manifest.open(s.file);
      try {
        return m.lastRun('filter');
      } finally {
        m.close();
      }
    });
    checkCompatible(sources, lastFilters);

    rmSync(temp, { force: true });
    rmSync(`${temp}-journal`, { force: true });
    const db = new Database(temp);
    let result: Omit<MergeResult, 'ms'>;
    try {
      // A temp file that is thrown away on any failure needs no journal until it is complete.
      db.pragma('journal_mode = OFF');
      db.pragma('synchronous = OFF');
      migrate(db, temp);
      const duplicates: MergeResult['duplicates'] = [];
      for (const source of sources) {
        db.prepare(`ATTACH DATABASE ? AS src`).run(source.file);
        try {
          const version = db.pragma('src.user_version', { simple: true }) as number;
          if (version !== SCHEMA_VERSION)
            throw new ManifestError(`${source.file}: schema v${version}, expected v${SCHEMA_VERSION}`);
          db.transaction(() => duplicates.push(...copySource(db, source, pathPrefix(target, source.file))))();
        } finally {
          db.exec(`DETACH DATABASE src`);
        }
      }
      let carried: MergeResult['carried'] = { runs: 0, overrides: 0, duplicateLinks: 0 };
      if (existsSync(target)) {
        db.prepare(`ATTACH DATABASE ? AS old`).run(target);
        try {
          carried = db.transaction(() => carryLocalState(db))();
        } finally {
          db.exec(`DETACH DATABASE old`);
        }
      }
      const count = (table: string) =>
        (db.prepare(`SELECT COUNT(*) AS n FROM main.${table}`).get() as { n: number }).n;
      result = { files: count('files'), faces: count('faces'), duplicates, carried };
      const now = new Date().toISOString();
      db.prepare(
        `INSERT INTO runs (kind, input_root, config_json, thresholds_json, versions_json, started_at, ended_at, counts_json)
         VALUES ('merge', ?, ?, '{}', ?, ?, ?, ?)`,
      ).run(
        lastFilters.find((r) => r)?.inputRoot ?? null,
        JSON.stringify(RUN_CONFIGS.merge.parse({ sources: sources.map((s) => s.label) })),
        JSON.stringify({ schema: SCHEMA_VERSION }),
        now,
        now,
        JSON.stringify({ files: result.files, faces: result.faces, duplicates: duplicates.length }),
      );
    } finally {
      db.close();
    }
    if (options.finish) {
      const merged = Manifest.open(temp);
      try {
        options.finish(merged);
      } finally {
        merged.close();
      }
    }
    if (existsSync(`${temp}-wal`)) throw new Error(`${temp}-wal left after close (bug)`);
    // Another process's WAL beside the target would be replayed onto the new file.
    if (existsSync(`${target}-wal`) && statSync(`${target}-wal`).size > 0) {
      throw new ManifestError(
        `${target} is open in another process (${target}-wal exists: a review server or a trainer?); stop it and merge again`,
      );
    }
    rmSync(`${target}-wal`, { force: true });
    rmSync(`${target}-shm`, { force: true });
    fsyncPath(temp);
    renameSync(temp, target);
    fsyncPath(dirname(target));
    return { ...result, ms: performance.now() - t0 };
  } finally {
    rmSync(temp, { force: true });
    for (const lock of locks.reverse()) lock.release();
  }
}

/** A merge source for the manifest `file`, labelled by its folder relative to the target's. */
export function mergeSource(target: string, file: string): MergeSource {
  const rel = relative(dirname(target), dirname(file)).split(sep).join('/');
  return { file, label: rel === '' ? '.' : isAbsolute(rel) ? dirname(file) : rel };
}
