import Database from 'better-sqlite3';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { landmarksArray, landmarksBlob, splitReasons } from './codec';
import {
  fileDetail,
  galleryCounts,
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
import { SCHEMA_VERSION, migrate } from './schema';
import type {
  Decision,
  DecisionInput,
  FaceRecord,
  FileRecord,
  KeptImage,
  RunInfo,
  StoredFile,
} from './types';

export interface OpenOptions {
  /** Open an existing manifest read-only (the trainer does). */
  readonly?: boolean;
}

interface FileRow {
  id: number;
  path: string;
  size: number;
  mtime_ms: number;
  sha256: string | null;
  width: number | null;
  height: number | null;
  decode_error: string | null;
  run_id: number | null;
  face_count: number | null;
  face_size: number | null;
  roll: number | null;
  yaw: number | null;
  brisque: number | null;
  symmetry: number | null;
  symmetry_backend: string | null;
  symmetry_note: string | null;
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
}

interface FaceRow {
  file_id: number;
  idx: number;
  x: number;
  y: number;
  w: number;
  h: number;
  score: number;
  landmarks: Buffer;
  roll: number | null;
  yaw: number | null;
  pitch: number | null;
  eye_dy_pct: number | null;
  center_delta_pct: number | null;
  qsize: number | null;
}

/**
 * The SQLite manifest of a curation run (WAL mode). Every write method runs in one transaction, so a
 * killed process leaves whole rows or none.
 */
export class Manifest {
  readonly db: Database.Database;

  private constructor(
    readonly file: string,
    options: OpenOptions,
  ) {
    if (options.readonly && !existsSync(file)) {
      throw new Error(
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
          throw new Error(
            `manifest schema v${version}, expected v${SCHEMA_VERSION}; open it once read-write to migrate`,
          );
        }
      } else {
        migrate(this.db, file);
      }
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      throw new Error(
        `${file}: broken or unreadable manifest (${message}); move it aside and re-run filter`,
        { cause: err },
      );
    }
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

  startRun(run: Pick<RunInfo, 'kind' | 'inputRoot' | 'config' | 'thresholds' | 'versions'>): number {
    const info = this.db
      .prepare(
        `INSERT INTO runs (kind, input_root, config_json, thresholds_json, versions_json, started_at)
         VALUES (?, ?, ?, ?, ?, ?)`,
      )
      .run(
        run.kind,
        run.inputRoot,
        JSON.stringify(run.config),
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

  runs(): RunInfo[] {
    const rows = this.db.prepare(`SELECT * FROM runs ORDER BY id`).all() as Array<
      Record<string, string | number | null>
    >;
    return rows.map((r) => ({
      id: Number(r['id']),
      kind: String(r['kind']),
      inputRoot: (r['input_root'] as string | null) ?? null,
      config: JSON.parse(String(r['config_json'])),
      thresholds: JSON.parse(String(r['thresholds_json'])),
      versions: JSON.parse(String(r['versions_json'])),
      startedAt: String(r['started_at']),
      endedAt: (r['ended_at'] as string | null) ?? null,
      counts: r['counts_json'] ? JSON.parse(String(r['counts_json'])) : null,
    }));
  }

  /** The last run of a kind (e.g. the last `filter`), or null. */
  lastRun(kind: string): RunInfo | null {
    const all = this.runs().filter((r) => r.kind === kind);
    return all.length ? all[all.length - 1] : null;
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
    const upsert = this.db.prepare(
      `INSERT INTO files (path, size, mtime_ms, sha256, width, height, decode_error, run_id,
         face_count, face_size, roll, yaw, brisque, symmetry, symmetry_backend, symmetry_note,
         aligned_path, aligned_quad, thumb_path, thumb_scale, phash, stage_ms_json, decision, reasons)
       VALUES (@path, @size, @mtimeMs, @sha256, @width, @height, @decodeError, @runId,
         @faceCount, @faceSize, @roll, @yaw, @brisque, @symmetry, @symmetryBackend, @symmetryNote,
         @alignedPath, @alignedQuad, @thumbPath, @thumbScale, @phash, @stageMs, @decision, @reasons)
       ON CONFLICT(path) DO UPDATE SET
         size = excluded.size, mtime_ms = excluded.mtime_ms, width = excluded.width, height = excluded.height,
         decode_error = excluded.decode_error, run_id = excluded.run_id, face_count = excluded.face_count,
         face_size = excluded.face_size, roll = excluded.roll, yaw = excluded.yaw, brisque = excluded.brisque,
         symmetry = excluded.symmetry, symmetry_backend = excluded.symmetry_backend,
         symmetry_note = excluded.symmetry_note, aligned_path = excluded.aligned_path,
         aligned_quad = excluded.aligned_quad, thumb_path = excluded.thumb_path, thumb_scale = excluded.thumb_scale,
         phash = excluded.phash, stage_ms_json = excluded.stage_ms_json, decision = excluded.decision,
         reasons = excluded.reasons, duplicate_of = NULL,
         override = CASE WHEN files.sha256 IS excluded.sha256 THEN files.override END,
         override_note = CASE WHEN files.sha256 IS excluded.sha256 THEN files.override_note END,
         sha256 = excluded.sha256
       RETURNING id`,
    );
    const clearFaces = this.db.prepare(`DELETE FROM faces WHERE file_id = ?`);
    const insertFace = this.db.prepare(
      `INSERT INTO faces (file_id, idx, x, y, w, h, score, landmarks, roll, yaw, pitch, eye_dy_pct, center_delta_pct, qsize)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.db.transaction(() => {
      for (const r of records) {
        const { id } = upsert.get({
          path: r.path,
          size: r.size,
          mtimeMs: r.mtimeMs,
          sha256: r.sha256,
          width: r.width,
          height: r.height,
          decodeError: r.decodeError,
          runId,
          ...r.scores,
          alignedPath: r.alignedPath,
          alignedQuad: r.alignedQuad ? JSON.stringify(r.alignedQuad) : null,
          thumbPath: r.thumbPath,
          thumbScale: r.thumbScale,
          phash: r.phash,
          stageMs: JSON.stringify(r.stageMs),
          decision: r.decision,
          reasons: r.reasons.join(';'),
        }) as { id: number };
        clearFaces.run(id);
        r.faces.forEach((f, idx) =>
          insertFace.run(
            id,
            idx,
            f.box.x,
            f.box.y,
            f.box.width,
            f.box.height,
            f.score,
            landmarksBlob(f.landmarks),
            f.roll,
            f.yaw,
            f.pitch,
            f.eyeDyPct,
            f.centerDeltaPct,
            f.qsize,
          ),
        );
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

  /** Every file with its faces, sorted by path. */
  files(): StoredFile[] {
    const rows = this.db.prepare(`SELECT * FROM files ORDER BY path`).all() as FileRow[];
    const faces = this.db.prepare(`SELECT * FROM faces ORDER BY file_id, idx`).all() as FaceRow[];
    const byFile = new Map<number, FaceRecord[]>();
    for (const f of faces) {
      const list = byFile.get(f.file_id) ?? [];
      list.push({
        box: { x: f.x, y: f.y, width: f.w, height: f.h },
        score: f.score,
        landmarks: Array.from(landmarksArray(f.landmarks)),
        roll: f.roll,
        yaw: f.yaw,
        pitch: f.pitch,
        eyeDyPct: f.eye_dy_pct,
        centerDeltaPct: f.center_delta_pct,
        qsize: f.qsize,
      });
      byFile.set(f.file_id, list);
    }
    return rows.map((r) => ({
      id: r.id,
      runId: r.run_id,
      path: r.path,
      size: r.size,
      mtimeMs: r.mtime_ms,
      sha256: r.sha256,
      width: r.width,
      height: r.height,
      decodeError: r.decode_error,
      scores: {
        faceCount: r.face_count,
        faceSize: r.face_size,
        roll: r.roll,
        yaw: r.yaw,
        brisque: r.brisque,
        symmetry: r.symmetry,
        symmetryBackend: r.symmetry_backend,
        symmetryNote: r.symmetry_note,
      },
      faces: byFile.get(r.id) ?? [],
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
    }));
  }

  /**
   * The compact rows `decide` works on: one query joining each file to its faces (no landmarks), one
   * result row per face, so a file with k faces comes back k times in a row (once with nulls if none).
   */
  decisionInputs(): DecisionInput[] {
    const rows = this.db
      .prepare(
        `SELECT f.id, f.path, f.width, f.height, f.decode_error, f.face_count, f.face_size, f.roll, f.yaw,
                f.brisque, f.symmetry, f.symmetry_backend, f.symmetry_note,
                f.aligned_path IS NOT NULL AS has_aligned, f.decision, f.reasons,
                x.score, x.h, x.roll, x.yaw, x.eye_dy_pct, x.center_delta_pct, x.qsize
         FROM files f LEFT JOIN faces x ON x.file_id = f.id
         ORDER BY f.id, x.idx`,
      )
      .raw()
      .all() as DecisionRow[];
    const inputs: DecisionInput[] = [];
    let last: DecisionInput | undefined;
    for (const r of rows) {
      if (r[0] !== last?.id) {
        last = {
          id: r[0],
          path: r[1],
          width: r[2],
          height: r[3],
          decodeError: r[4],
          scores: {
            faceCount: r[5],
            faceSize: r[6],
            roll: r[7],
            yaw: r[8],
            brisque: r[9],
            symmetry: r[10],
            symmetryBackend: r[11],
            symmetryNote: r[12],
          },
          faces: [],
          hasAligned: r[13] === 1,
          decision: r[14],
          reasons: splitReasons(r[15]),
        };
        inputs.push(last);
      }
      if (r[16] !== null) {
        last.faces.push({
          score: r[16],
          boxHeight: r[17] as number,
          roll: r[18],
          yaw: r[19],
          eyeDyPct: r[20],
          centerDeltaPct: r[21],
          qsize: r[22],
        });
      }
    }
    return inputs;
  }

  /** Stores recomputed decisions in one transaction. */
  updateDecisions(updates: Array<{ id: number; decision: Decision; reasons: string[] }>): void {
    const stmt = this.db.prepare(`UPDATE files SET decision = ?, reasons = ? WHERE id = ?`);
    this.db.transaction(() => {
      for (const u of updates) stmt.run(u.decision, u.reasons.join(';'), u.id);
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
    return galleryPage(this.db, query);
  }

  galleryCounts(): GalleryCounts {
    return galleryCounts(this.db);
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
    return setOverride(this.db, id, override, note);
  }

  undoLastOverride(): ReviewLogEntry | null {
    return undoLastOverride(this.db);
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

/** One row of decisionInputs' query: the file's columns, then one face's (all null when it has none). */
type DecisionRow = [
  id: number,
  path: string,
  width: number | null,
  height: number | null,
  decodeError: string | null,
  faceCount: number | null,
  faceSize: number | null,
  roll: number | null,
  yaw: number | null,
  brisque: number | null,
  symmetry: number | null,
  symmetryBackend: string | null,
  symmetryNote: string | null,
  hasAligned: number,
  decision: Decision,
  reasons: string,
  faceScore: number | null,
  faceHeight: number | null,
  faceRoll: number | null,
  faceYaw: number | null,
  eyeDyPct: number | null,
  centerDeltaPct: number | null,
  qsize: number | null,
];
