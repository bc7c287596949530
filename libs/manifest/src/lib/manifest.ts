import Database from 'better-sqlite3';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { FACE_COLUMN_KEYS, FACE_COLUMNS, SCORE_COLUMNS, SCORE_KEYS } from './columns';
import {
  decodeFace,
  decodeFile,
  faceParams,
  fileParams,
  joinReasons,
  type FaceRow,
  type FileRow,
} from './codecs';
import { readDecisionInputs } from './decision-inputs';
import {
  fileDetail,
  GalleryCountsCache,
  galleryPagePlan,
  lastUndoableFile,
  galleryPage,
  mediaPaths,
  setGallerySelection,
  setOverride,
  undoLastOverride,
  type FileDetail,
  type GalleryCounts,
  type GalleryPage,
  type GalleryQuery,
  type MediaPaths,
  type ReviewLogEntry,
} from './gallery';
import { checkedRunConfig, decodeRun, type NewRun, type RunInfo, type RunKind } from './runs';
import { ManifestError } from './errors';
import { SCHEMA_VERSION, migrate } from './schema';
import type { Decision, DecisionInput, FaceRecord, FileRecord, KeptImage, StoredFile } from './types';

export interface OpenOptions {
  /** Open an existing manifest read-only (the trainer does). */
  readonly?: boolean;
}

const scoreSql = SCORE_KEYS.map((k) => SCORE_COLUMNS[k].sql);
const faceSql = FACE_COLUMN_KEYS.map((k) => FACE_COLUMNS[k].sql);

/** Upsert of one file: keeps a review override only when the content hash is unchanged. */
const UPSERT_FILE = `INSERT INTO files (path, size, mtime_ms, sha256, width, height, decode_error, run_id,
    ${scoreSql.join(', ')},
    aligned_path, aligned_quad, thumb_path, thumb_scale, phash, stage_ms_json, decision, reasons)
  VALUES (@path, @size, @mtimeMs, @sha256, @width, @height, @decodeError, @runId,
    ${SCORE_KEYS.map((k) => `@score_${k}`).join(', ')},
    @alignedPath, @alignedQuad, @thumbPath, @thumbScale, @phash, @stageMs, @decision, @reasons)
  ON CONFLICT(path) DO UPDATE SET
    size = excluded.size, mtime_ms = excluded.mtime_ms, width = excluded.width, height = excluded.height,
    decode_error = excluded.decode_error, run_id = excluded.run_id,
    ${scoreSql.map((c) => `${c} = excluded.${c}`).join(', ')},
    aligned_path = excluded.aligned_path, aligned_quad = excluded.aligned_quad, thumb_path = excluded.thumb_path,
    thumb_scale = excluded.thumb_scale, phash = excluded.phash, stage_ms_json = excluded.stage_ms_json,
    decision = excluded.decision, reasons = excluded.reasons, duplicate_of = NULL,
    override = CASE WHEN files.sha256 IS excluded.sha256 THEN files.override END,
    override_note = CASE WHEN files.sha256 IS excluded.sha256 THEN files.override_note END,
    override_at = CASE WHEN files.sha256 IS excluded.sha256 THEN files.override_at END,
    sha256 = excluded.sha256
  RETURNING id`;

const INSERT_FACE = `INSERT INTO faces (file_id, idx, x, y, w, h, landmarks, ${faceSql.join(', ')})
  VALUES (@fileId, @idx, @x, @y, @w, @h, @landmarks, ${FACE_COLUMN_KEYS.map((k) => `@face_${k}`).join(', ')})`;

/**
 * The SQLite manifest of a curation run (WAL mode). Every write method runs in one transaction, so a
 * killed process leaves whole rows or none.
 */
export class Manifest {
  private readonly db: Database.Database;
  private readonly counts: GalleryCountsCache;

  private constructor(
    readonly file: string,
    options: OpenOptions,
  ) {
    if (options.readonly && !existsSync(file)) {
      throw new ManifestError(
        `${file}: no manifest here; run \`nx run curate:filter\` first (or point --out at a filter output folder)`,
      );
    }
    if (!options.readonly) mkdirSync(dirname(file), { recursive: true });
    try {
      this.db = new Database(file, {
        readonly: options.readonly ?? false,
        fileMustExist: options.readonly ?? false,
      });
      if (!options.readonly) this.db.pragma('journal_mode = WAL');
      this.db.pragma('foreign_keys = ON');
      if (options.readonly) {
        const version = this.db.pragma('user_version', { simple: true }) as number;
        if (version !== SCHEMA_VERSION) {
          throw new ManifestError(
            `manifest schema v${version}, expected v${SCHEMA_VERSION}; open it once read-write to migrate`,
          );
        }
      } else {
        migrate(this.db, file);
      }
    } catch (err) {
      if (err instanceof ManifestError) throw err;
      const message = err instanceof Error ? err.message : String(err);
      throw new ManifestError(
        `${file}: broken or unreadable manifest (${message}); move it aside and re-run filter`,
        { cause: err },
      );
    }
    this.counts = new GalleryCountsCache(this.db);
  }

  static open(file: string, options: OpenOptions = {}): Manifest {
    return new Manifest(file, options);
  }

  get schemaVersion(): number {
    return this.db.pragma('user_version', { simple: true }) as number;
  }

  close(): void {
    this.db.close();
  }

  // ---- runs ---------------------------------------------------------------------------------------

  startRun(run: NewRun): number {
    const info = this.db
      .prepare(
        `INSERT INTO runs (kind, input_root, config_json, thresholds_json, versions_json, started_at)
         VALUES (?, ?, ?, ?, ?, ?)`,
      )
      .run(
        run.kind,
        run.inputRoot,
        JSON.stringify(checkedRunConfig(run.kind, run.config)),
        JSON.stringify(run.thresholds),
        JSON.stringify({ ...run.versions, schema: SCHEMA_VERSION }),
        new Date().toISOString(),
      );
    return Number(info.lastInsertRowid);
  }

  endRun(runId: number, counts: Record<string, number>): void {
    this.db
      .prepare(`UPDATE runs SET ended_at = ?, counts_json = ? WHERE id = ?`)
      .run(new Date().toISOString(), JSON.stringify(counts), runId);
  }

  /** Every run, oldest first; each config checked against its kind's schema (runs.ts). */
  runs(): RunInfo[] {
    return this.db
      .prepare(`SELECT * FROM runs ORDER BY id`)
      .all()
      .map((row) => decodeRun(row, this.file));
  }

  /** The last run of one of `kinds` (e.g. the last `filter`), or null. */
  lastRun<K extends RunKind>(...kinds: K[]): RunInfo<K> | null {
    const matching = this.runs().filter((r) => (kinds as RunKind[]).includes(r.kind));
    return (matching.at(-1) as RunInfo<K> | undefined) ?? null;
  }

  // ---- files --------------------------------------------------------------------------------------

  /** path → sha256 of every file already stored (resume skips those whose content is unchanged). */
  knownHashes(): Map<string, string | null> {
    const rows = this.db.prepare(`SELECT path, sha256 FROM files`).all() as Array<{
      path: string;
      sha256: string | null;
    }>;
    return new Map(rows.map((r) => [r.path, r.sha256]));
  }

  /** Inserts or replaces files (and their faces) in one transaction. Keeps overrides of unchanged content. */
  writeFiles(records: FileRecord[], runId: number | null): void {
    const upsert = this.db.prepare(UPSERT_FILE);
    const clearFaces = this.db.prepare(`DELETE FROM faces WHERE file_id = ?`);
    const insertFace = this.db.prepare(INSERT_FACE);
    this.db.transaction(() => {
      for (const r of records) {
        const { id } = upsert.get(fileParams(r, runId)) as { id: number };
        clearFaces.run(id);
        r.faces.forEach((f, idx) => insertFace.run(faceParams(id, idx, f)));
      }
    })();
  }

  /** Removes files (e.g. gone from the input folder); their faces go with them. */
  deleteFiles(paths: string[]): void {
    const stmt = this.db.prepare(`DELETE FROM files WHERE path = ?`);
    this.db.transaction(() => {
      this.db
        .prepare(
          `UPDATE files SET duplicate_of = NULL WHERE duplicate_of IN (SELECT id FROM files WHERE path IN (SELECT value FROM json_each(?)))`,
        )
        .run(JSON.stringify(paths));
      for (const p of paths) stmt.run(p);
    })();
  }

  /** Every file with its faces (`faces: false`: without, far less memory for CSV rows), sorted by path. */
  files(options: { faces?: boolean } = {}): StoredFile[] {
    const rows = this.db.prepare(`SELECT * FROM files ORDER BY path`).all() as FileRow[];
    const faces =
      options.faces === false
        ? []
        : (this.db.prepare(`SELECT * FROM faces ORDER BY file_id, idx`).all() as FaceRow[]);
    const byFile = new Map<number, FaceRecord[]>();
    for (const f of faces) {
      const list = byFile.get(f.file_id) ?? [];
      list.push(decodeFace(f));
      byFile.set(f.file_id, list);
    }
    return rows.map((r) => decodeFile(r, byFile.get(r.id) ?? []));
  }

  /**
   * Every file without its faces, in path order (SQLite's: UTF-8 bytes), `size` at a time: a listing
   * of 200 k rows (decisions.csv) holds one batch, not every row.
   */
  *fileBatches(size = 1000): Generator<StoredFile[]> {
    const page = this.db.prepare(`SELECT * FROM files WHERE path > ? ORDER BY path LIMIT ?`);
    for (let after = ''; ; ) {
      const rows = page.all(after, size) as FileRow[];
      if (rows.length === 0) return;
      yield rows.map((r) => decodeFile(r, []));
      after = rows[rows.length - 1].path;
    }
  }

  /** id → path of these files (unknown ids are left out). */
  pathsOf(ids: readonly number[]): Map<number, string> {
    const rows = this.db
      .prepare(`SELECT id, path FROM files WHERE id IN (SELECT value FROM json_each(?))`)
      .raw()
      .all(JSON.stringify(ids)) as Array<[number, string]>;
    return new Map(rows);
  }

  /**
   * Runs `fn` as one transaction: its reads see one snapshot (WAL) and its writes (the write methods
   * join it) land together or not at all.
   */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  /** Rows in the files table (matching `where`, SQL over its columns). */
  fileCount(where = '1'): number {
    return (this.db.prepare(`SELECT COUNT(*) AS n FROM files WHERE ${where}`).get() as { n: number }).n;
  }

  /** Rows in the faces table (all files). */
  faceCount(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM faces').get() as { n: number }).n;
  }

  /** The compact rows `decide` works on (decision-inputs.ts). */
  decisionInputs(): DecisionInput[] {
    return readDecisionInputs(this.db);
  }

  /**
   * The same rows `size` files at a time, in id order, so that re-deciding 200 k files holds one
   * batch in memory, not every row (~3 KB each as JS objects). `where` (SQL over the files columns)
   * limits them to candidates.
   */
  *decisionInputBatches(size = 5000, where?: string): Generator<DecisionInput[]> {
    for (let afterId = 0; ; ) {
      const batch = readDecisionInputs(this.db, { afterId, limit: size, where });
      if (batch.length === 0) return;
      yield batch;
      afterId = batch[batch.length - 1].id;
    }
  }

  /** Stores recomputed decisions in one transaction. */
  updateDecisions(updates: Array<{ id: number; decision: Decision; reasons: string[] }>): void {
    const stmt = this.db.prepare(`UPDATE files SET decision = ?, reasons = ? WHERE id = ?`);
    this.db.transaction(() => {
      for (const u of updates) stmt.run(u.decision, joinReasons(u.reasons), u.id);
    })();
  }

  /** Manual review: pins files to keep/reject (null clears). Returns the paths not found. */
  setOverrides(overrides: Array<{ path: string; decision: Decision | null; note?: string }>): string[] {
    const stmt = this.db.prepare(
      `UPDATE files SET override = ?, override_note = ?, override_at = ? WHERE path = ?`,
    );
    const missing: string[] = [];
    const at = new Date().toISOString();
    this.db.transaction(() => {
      for (const o of overrides) {
        const changes = stmt.run(o.decision, o.note ?? null, o.decision ? at : null, o.path).changes;
        if (changes === 0) missing.push(o.path);
      }
    })();
    return missing;
  }

  // ---- review UI (gallery.ts) --------------------------------------------------------------------

  /** A keyset page of files, filtered and sorted (see GalleryQuery). */
  galleryPage(query: GalleryQuery): GalleryPage {
    return galleryPage(this.db, query, this.pageHints);
  }

  private readonly pageHints = {
    reasonCount: (reason: string) => this.counts.get().byReason[reason] ?? 0,
    keptCount: () => this.counts.get().kept,
  };

  /** The review UI's counts (cached per manifest version, see GalleryCountsCache). */
  galleryCounts(): GalleryCounts {
    return this.counts.get();
  }

  /**
   * Samples the indexes for the query planner (ANALYZE, at most 1000 rows per index: milliseconds at
   * 200 k rows). Without it SQLite takes `duplicate_of IS NULL` (the kept condition) for a selective
   * index lookup and sorts every kept file instead of walking the sort key's index.
   */
  refreshQueryStats(): void {
    this.db.pragma('analysis_limit = 1000');
    this.db.exec('ANALYZE');
  }

  /** The query plans galleryPage runs for `query` (tests check that they use the indexes). */
  galleryPagePlan(query: GalleryQuery): string[] {
    return galleryPagePlan(this.db, query, this.pageHints);
  }

  /** Everything stored about one file, with its faces and review log; null for an unknown id. */
  fileDetail(id: number): FileDetail | null {
    return fileDetail(this.db, id);
  }

  mediaPaths(id: number): MediaPaths | null {
    return mediaPaths(this.db, id);
  }

  /** The ids `galleryPage({ inSelection: true })` pages through (this connection only). */
  setGallerySelection(ids: readonly number[]): void {
    setGallerySelection(this.db, ids);
  }

  /** One review decision (null clears), logged so undoLastOverride can restore what it replaced. */
  setOverride(id: number, override: Decision | null, note: string | null): ReviewLogEntry {
    return this.counts.aroundOverride(
      () => id,
      () => setOverride(this.db, id, override, note),
    );
  }

  undoLastOverride(): ReviewLogEntry | null {
    return this.counts.aroundOverride(
      () => lastUndoableFile(this.db),
      () => undoLastOverride(this.db),
    );
  }

  /** Replaces every duplicate_of link in one transaction. */
  setDuplicates(links: Array<{ id: number; duplicateOf: number }>): void {
    const clear = this.db.prepare(`UPDATE files SET duplicate_of = NULL`);
    const stmt = this.db.prepare(`UPDATE files SET duplicate_of = ? WHERE id = ?`);
    this.db.transaction(() => {
      clear.run();
      for (const l of links) stmt.run(l.duplicateOf, l.id);
    })();
  }

  /** The `kept` view: what the trainer trains on, sorted by path. */
  kept(): KeptImage[] {
    const rows = this.db
      .prepare(`SELECT id, path, sha256, aligned_path, brisque, symmetry, face_size FROM kept ORDER BY path`)
      .all() as Array<{
      id: number;
      path: string;
      sha256: string;
      aligned_path: string;
      brisque: number | null;
      symmetry: number | null;
      face_size: number | null;
    }>;
    return rows.map((r) => ({
      id: r.id,
      path: r.path,
      sha256: r.sha256,
      alignedPath: r.aligned_path,
      brisque: r.brisque,
      symmetry: r.symmetry,
      faceSize: r.face_size,
    }));
  }
}
