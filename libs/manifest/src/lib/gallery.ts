import type Database from 'better-sqlite3';
import { SCORE_COLUMNS, SCORE_KEYS, type ScoreKey } from './columns';
import { decodeFace, splitReasons, type FaceRow } from './codecs';
import { KEPT_WHERE } from './kept';
import type { Decision, FaceRecord } from './types';

/**
 * The review UI's queries: pages of files filtered and sorted by any stored score, keyset-paged
 * (`(key, id) > cursor`) so page 1000 costs what page 1 does, and override writes with an undo log.
 * "Kept" is always the `kept` view's, so the UI shows what the trainer will read.
 */

/** Numeric score columns: what the gallery sorts by and shows on tiles. */
export type NumericScoreKey = {
  [K in ScoreKey]: (typeof SCORE_COLUMNS)[K]['type'] extends 'TEXT' ? never : K;
}[ScoreKey];
export const NUMERIC_SCORE_KEYS = SCORE_KEYS.filter(
  (k): k is NumericScoreKey => SCORE_COLUMNS[k].type !== 'TEXT',
);
/** Signed angles sort by magnitude: |roll| is what the tilt threshold cuts. */
const BY_MAGNITUDE: ReadonlySet<ScoreKey> = new Set(['roll', 'yaw']);

/**
 * Sort keys and their SQL: the path and every numeric score column (a column added to SCORE_COLUMNS
 * becomes sortable; give it an index in its migration step, as v2 does for these).
 */
export const GALLERY_SORT_SQL = {
  path: 'f.path',
  ...Object.fromEntries(
    NUMERIC_SCORE_KEYS.map((k) => {
      const column = `f.${SCORE_COLUMNS[k].sql}`;
      return [k, BY_MAGNITUDE.has(k) ? `abs(${column})` : column];
    }),
  ),
} as Record<'path' | NumericScoreKey, string>;
export type GallerySort = keyof typeof GALLERY_SORT_SQL;
export const GALLERY_SORTS = Object.keys(GALLERY_SORT_SQL) as GallerySort[];

export type GalleryCursor = { key: number | string | null; id: number };

export interface GalleryQuery {
  /** Effective decision: keep = in the `kept` view. */
  decision?: Decision;
  /** A stored reason, or `duplicate`. */
  reason?: string;
  override?: Decision | 'none' | 'any';
  /** A file id: that file and every file marked duplicate_of it. */
  duplicateGroup?: number;
  /** Only the ids last given to setGallerySelection (e.g. what a threshold change would flip). */
  inSelection?: boolean;
  sort?: GallerySort;
  direction?: 'asc' | 'desc';
  /** Order by |key − near| instead (closest to a threshold first); numeric keys only. */
  near?: number;
  after?: GalleryCursor | null;
  limit?: number;
  /** Also count every match (one more query). */
  withTotal?: boolean;
}

export type GalleryScores = { [K in NumericScoreKey]: number | null };

export interface GalleryTile {
  id: number;
  path: string;
  kept: boolean;
  decision: Decision;
  reasons: string[];
  override: Decision | null;
  overrideAt: string | null;
  duplicateOf: number | null;
  hasThumb: boolean;
  decodeError: string | null;
  scores: GalleryScores;
  /** The sort key's value (the cursor of the next page starts after it). */
  sortKey: number | string | null;
}

export interface GalleryPage {
  tiles: GalleryTile[];
  next: GalleryCursor | null;
  total: number | null;
}

export interface ReviewLogEntry {
  id: number;
  fileId: number;
  path: string;
  at: string;
  override: Decision | null;
  note: string | null;
  undoneAt: string | null;
}

export interface FileDetail extends GalleryTile {
  width: number | null;
  height: number | null;
  sha256: string | null;
  size: number;
  symmetryBackend: string | null;
  symmetryNote: string | null;
  overrideNote: string | null;
  alignedQuad: number[] | null;
  thumbScale: number | null;
  hasAligned: boolean;
  faces: FaceRecord[];
  log: ReviewLogEntry[];
}

/** Stored relative paths of a file's images (the server checks where they lead). */
export interface MediaPaths {
  path: string;
  thumbPath: string | null;
  alignedPath: string | null;
}

export interface GalleryCounts {
  total: number;
  kept: number;
  rejected: number;
  overrides: { keep: number; reject: number };
  duplicates: number;
  /** Files per stored reason (a file with two counts under both). */
  byReason: Record<string, number>;
}

const TILE_COLUMNS = `f.id, f.path, f.decision, f.reasons, f.override, f.override_at, f.duplicate_of,
  f.thumb_path IS NOT NULL AS has_thumb, f.decode_error, ${NUMERIC_SCORE_KEYS.map((k) => `f.${SCORE_COLUMNS[k].sql}`).join(', ')},
  (${KEPT_WHERE}) AS is_kept`;

type TileRow = {
  id: number;
  path: string;
  decision: Decision;
  reasons: string;
  override: Decision | null;
  override_at: string | null;
  duplicate_of: number | null;
  has_thumb: number;
  decode_error: string | null;
  is_kept: number;
  sort_key?: number | string | null;
} & Record<string, unknown>;

function tileOf(r: TileRow): GalleryTile {
  return {
    id: r.id,
    path: r.path,
    kept: r.is_kept === 1,
    decision: r.decision,
    reasons: splitReasons(r.reasons),
    override: r.override,
    overrideAt: r.override_at,
    duplicateOf: r.duplicate_of,
    hasThumb: r.has_thumb === 1,
    decodeError: r.decode_error,
    scores: Object.fromEntries(
      NUMERIC_SCORE_KEYS.map((k) => [k, r[SCORE_COLUMNS[k].sql] as number | null]),
    ) as GalleryScores,
    sortKey: r.sort_key ?? null,
  };
}

/**
 * A filter on a sorted first page: walking the sort key's index until enough rows match reads (nearly)
 * every row when the matching ones sit at the far end (blurry files sorted by BRISQUE ascending:
 * 319 ms at 200 k rows; kept files sorted by BRISQUE descending, or no kept file at all: 770 ms). Up
 * to this many matching rows (their count from the cached counts), the page reads those rows from
 * the filter's own index (reasons, or the kept partial index) and sorts them instead.
 */
export const FILTER_FIRST_MAX_ROWS = 60_000;

/** What the planner choice may use: the cached numbers of files with a reason, and of kept files. */
export interface PageHints {
  reasonCount?: (reason: string) => number | undefined;
  keptCount?: () => number | undefined;
}

/** Which filter's index a page reads first (see FILTER_FIRST_MAX_ROWS), if any. */
type FilterFirst = 'reason' | 'kept' | null;

function filterFirst(q: GalleryQuery, sort: GallerySort, hints: PageHints): FilterFirst {
  if (q.after || q.near !== undefined || sort === 'path') return null;
  const rare = (n: number | undefined) => (n ?? Infinity) <= FILTER_FIRST_MAX_ROWS;
  if (q.reason && q.reason !== 'duplicate' && rare(hints.reasonCount?.(q.reason))) return 'reason';
  if (q.decision === 'keep' && !q.reason && rare(hints.keptCount?.())) return 'kept';
  return null;
}

/** WHERE terms and their parameters for a query's filters (no cursor). */
function filterSql(
  q: GalleryQuery,
  first: FilterFirst = null,
): { terms: string[]; params: Record<string, unknown> } {
  const terms: string[] = [];
  const params: Record<string, unknown> = {};
  // The kept view's condition inline (not `IN (SELECT id FROM kept)`, which builds the whole kept
  // list on every page); its partial index files_kept answers counts.
  if (q.decision === 'keep')
    terms.push(
      first === 'kept'
        ? `f.id IN (SELECT id FROM files INDEXED BY files_kept WHERE ${KEPT_WHERE})`
        : `(${KEPT_WHERE})`,
    );
  if (q.decision === 'reject') terms.push(`NOT (${KEPT_WHERE})`);
  if (q.reason === 'duplicate') terms.push('f.duplicate_of IS NOT NULL');
  else if (q.reason) {
    terms.push(
      first === 'reason'
        ? `f.id IN (SELECT id FROM files INDEXED BY files_reasons WHERE instr(';' || reasons || ';', @reason) > 0)`
        : `instr(';' || f.reasons || ';', @reason) > 0`,
    );
    params['reason'] = `;${q.reason};`;
  }
  if (q.override === 'none') terms.push('f.override IS NULL');
  else if (q.override === 'any') terms.push('f.override IS NOT NULL');
  else if (q.override) {
    terms.push('f.override = @override');
    params['override'] = q.override;
  }
  if (q.duplicateGroup !== undefined) {
    terms.push('(f.id = @group OR f.duplicate_of = @group)');
    params['group'] = q.duplicateGroup;
  }
  if (q.inSelection) terms.push('f.id IN (SELECT id FROM temp.gallery_selection)');
  return { terms, params };
}

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;

type Run = (sql: string, params: Record<string, unknown>) => unknown[];

/** One page: rows with the key first (in `direction`, ties by id), then rows without it by id. */
export function galleryPage(db: Database.Database, q: GalleryQuery, hints: PageHints = {}): GalleryPage {
  return pageWith(db, q, hints, (sql, params) => db.prepare(sql).all(params));
}

/** The query plans of the statements galleryPage runs for `q` (EXPLAIN QUERY PLAN details). */
export function galleryPagePlan(db: Database.Database, q: GalleryQuery, hints: PageHints = {}): string[] {
  const details: string[] = [];
  pageWith(db, q, hints, (sql, params) => {
    const plan = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(params) as Array<{ detail: string }>;
    details.push(plan.map((r) => r.detail).join('; '));
    return [];
  });
  return details;
}

function pageWith(db: Database.Database, q: GalleryQuery, hints: PageHints, run: Run): GalleryPage {
  const sort = q.sort ?? 'path';
  if (q.near !== undefined && sort === 'path') throw new Error('gallery: "near" needs a numeric sort key');
  const limit = Math.min(MAX_PAGE_SIZE, Math.max(1, q.limit ?? DEFAULT_PAGE_SIZE));
  const column = GALLERY_SORT_SQL[sort];
  const key = q.near === undefined ? column : `abs(${column} - @near)`;
  const dir = q.direction === 'desc' ? 'DESC' : 'ASC';
  const first = filterFirst(q, sort, hints);
  const { terms, params } = filterSql(q, first);
  if (q.near !== undefined) params['near'] = q.near;
  ensureSelectionTable(db);

  const select = (extra: string[], order: string, n: number, more: Record<string, unknown> = {}) =>
    run(
      `SELECT ${TILE_COLUMNS}, ${key} AS sort_key FROM files f
       WHERE ${[...terms, ...extra].join(' AND ') || '1'} ORDER BY ${order} LIMIT ${n}`,
      { ...params, ...more },
    ) as TileRow[];

  const after = q.after ?? null;
  let rows: TileRow[] = [];
  if (!after || after.key !== null) {
    const ck = after?.key;
    rows =
      q.near === undefined
        ? select(
            [
              `${key} IS NOT NULL`,
              ...(after ? [`(${key}, f.id) ${dir === 'ASC' ? '>' : '<'} (@ck, @cid)`] : []),
            ],
            // Unary + keeps the planner off the key's index when the filter's rows come first.
            `${first ? '+' : ''}${key} ${dir}, f.id ${dir}`,
            limit + 1,
            { ck, cid: after?.id },
          )
        : nearRows(select, column, key, typeof ck === 'number' ? { ck, cid: after?.id } : null, limit + 1);
  }
  if (rows.length <= limit) {
    const cursor = after && after.key === null ? ['f.id > @cid'] : [];
    rows.push(
      ...select([`${key} IS NULL`, ...cursor], 'f.id ASC', limit + 1 - rows.length, { cid: after?.id }),
    );
  }
  const tiles = rows.slice(0, limit).map(tileOf);
  const last = tiles[tiles.length - 1];
  const next = rows.length > limit ? { key: last.sortKey, id: last.id } : null;
  const counted = q.withTotal
    ? (run(`SELECT count(*) AS n FROM files f WHERE ${terms.join(' AND ') || '1'}`, params) as Array<{
        n: number;
      }>)
    : null;
  const total = counted ? (counted[0]?.n ?? 0) : null;
  return { tiles, next, total };
}

/** Slack on the index range of a "near" side: the exact test is on the distance itself. */
const NEAR_SLACK = 1e-9;

/**
 * "Closest to a threshold first" without a full scan: |key − near| has no index, but the rows at or
 * above `near` in ascending key order and those below it in descending order are each sorted by
 * distance, and both walk the key's index; the page merges the two by (distance, id).
 */
function nearRows(
  select: (extra: string[], order: string, n: number, more?: Record<string, unknown>) => TileRow[],
  column: string,
  distance: string,
  after: { ck: number; cid: number | undefined } | null,
  n: number,
): TileRow[] {
  const past = after ? [`(${distance}, f.id) > (@ck, @cid)`] : [];
  const slack = after ? NEAR_SLACK * (1 + Math.abs(after.ck)) : 0;
  const above = select(
    [`${column} >= @near`, ...(after ? [`${column} >= @near + @ck - @slack`] : []), ...past],
    `${column} ASC, f.id ASC`,
    n,
    { ...after, slack },
  );
  const below = select(
    [`${column} < @near`, ...(after ? [`${column} <= @near - @ck + @slack`] : []), ...past],
    `${column} DESC, f.id ASC`,
    n,
    { ...after, slack },
  );
  const order = (a: TileRow, b: TileRow) => (a.sort_key as number) - (b.sort_key as number) || a.id - b.id;
  return [...above, ...below].sort(order).slice(0, n);
}

function ensureSelectionTable(db: Database.Database): void {
  db.exec('CREATE TEMP TABLE IF NOT EXISTS gallery_selection (id INTEGER PRIMARY KEY)');
}

/** Replaces the connection's selection (`inSelection` queries); temp table, never written to the file. */
export function setGallerySelection(db: Database.Database, ids: readonly number[]): void {
  ensureSelectionTable(db);
  const insert = db.prepare('INSERT OR IGNORE INTO temp.gallery_selection (id) VALUES (?)');
  db.transaction(() => {
    db.exec('DELETE FROM temp.gallery_selection');
    for (const id of ids) insert.run(id);
  })();
}

/** Every count in one pass over files (kept with the kept view's condition), reasons by group. */
export function galleryCounts(db: Database.Database): GalleryCounts {
  const totals = db
    .prepare(
      `SELECT count(*) AS total,
              count(CASE WHEN ${KEPT_WHERE} THEN 1 END) AS kept,
              count(CASE WHEN override = 'keep' THEN 1 END) AS keep_overrides,
              count(CASE WHEN override = 'reject' THEN 1 END) AS reject_overrides,
              count(duplicate_of) AS duplicates
       FROM files`,
    )
    .get() as {
    total: number;
    kept: number;
    keep_overrides: number;
    reject_overrides: number;
    duplicates: number;
  };
  const byReason: Record<string, number> = {};
  const groups = db
    .prepare(`SELECT reasons, count(*) AS n FROM files WHERE reasons != '' GROUP BY reasons`)
    .all() as Array<{ reasons: string; n: number }>;
  for (const g of groups) for (const r of splitReasons(g.reasons)) byReason[r] = (byReason[r] ?? 0) + g.n;
  if (totals.duplicates) byReason['duplicate'] = totals.duplicates;
  return {
    total: totals.total,
    kept: totals.kept,
    rejected: totals.total - totals.kept,
    overrides: { keep: totals.keep_overrides, reject: totals.reject_overrides },
    duplicates: totals.duplicates,
    byReason,
  };
}

/** What a one-file override changes in the counts. */
interface OverrideState {
  kept: boolean;
  override: Decision | null;
}

function overrideState(db: Database.Database, id: number): OverrideState | null {
  const row = db.prepare(`SELECT override, (${KEPT_WHERE}) AS kept FROM files WHERE id = ?`).get(id) as
    | { override: Decision | null; kept: number }
    | undefined;
  return row ? { kept: row.kept === 1, override: row.override } : null;
}

/**
 * galleryCounts per manifest version, so that every keystroke does not recount 200 k rows: another
 * connection's commit (filter --resume) changes `data_version`, this one's writes change
 * total_changes(); a review override adjusts the cached counts in place instead.
 */
export class GalleryCountsCache {
  private cached: { version: string; counts: GalleryCounts } | null = null;

  constructor(private readonly db: Database.Database) {}

  private version(): { data: number; mine: number } {
    const data = this.db.pragma('data_version', { simple: true }) as number;
    const mine = (this.db.prepare('SELECT total_changes() AS n').get() as { n: number }).n;
    return { data, mine };
  }

  get(): GalleryCounts {
    const { data, mine } = this.version();
    const version = `${data}:${mine}`;
    if (this.cached?.version !== version) this.cached = { version, counts: galleryCounts(this.db) };
    return structuredClone(this.cached.counts);
  }

  /** Runs a one-file override write (`fileId` resolved before it) and adjusts the cached counts. */
  aroundOverride<T>(fileId: () => number | null, write: () => T): T {
    const before = this.version();
    const fresh = this.cached?.version === `${before.data}:${before.mine}`;
    const id = fresh ? fileId() : null;
    const was = id === null ? null : overrideState(this.db, id);
    const result = write();
    const after = this.version();
    const now = id === null ? null : overrideState(this.db, id);
    if (!this.cached || !was || !now || after.data !== before.data) {
      this.cached = null;
      return result;
    }
    const c = this.cached.counts;
    c.kept += Number(now.kept) - Number(was.kept);
    c.rejected = c.total - c.kept;
    if (was.override) c.overrides[was.override] -= 1;
    if (now.override) c.overrides[now.override] += 1;
    this.cached.version = `${after.data}:${after.mine}`;
    return result;
  }
}

/** The file the next undoLastOverride restores, null when there is nothing to undo. */
export function lastUndoableFile(db: Database.Database): number | null {
  const row = db
    .prepare(`SELECT file_id FROM review_log WHERE undone_at IS NULL ORDER BY id DESC LIMIT 1`)
    .get() as { file_id: number } | undefined;
  return row?.file_id ?? null;
}

const LOG_COLUMNS = `l.id, l.file_id, f.path, l.at, l.override, l.note, l.undone_at`;
interface LogRow {
  id: number;
  file_id: number;
  path: string;
  at: string;
  override: Decision | null;
  note: string | null;
  undone_at: string | null;
}
const logEntryOf = (r: LogRow): ReviewLogEntry => ({
  id: r.id,
  fileId: r.file_id,
  path: r.path,
  at: r.at,
  override: r.override,
  note: r.note,
  undoneAt: r.undone_at,
});

export function fileDetail(db: Database.Database, id: number): FileDetail | null {
  const row = db
    .prepare(
      `SELECT ${TILE_COLUMNS}, f.width, f.height, f.sha256, f.size, f.symmetry_backend, f.symmetry_note,
              f.override_note, f.aligned_quad, f.thumb_scale, f.aligned_path IS NOT NULL AS has_aligned
       FROM files f WHERE f.id = ?`,
    )
    .get(id) as
    | (TileRow & {
        width: number | null;
        height: number | null;
        sha256: string | null;
        size: number;
        symmetry_backend: string | null;
        symmetry_note: string | null;
        override_note: string | null;
        aligned_quad: string | null;
        thumb_scale: number | null;
        has_aligned: number;
      })
    | undefined;
  if (!row) return null;
  const faces = db.prepare(`SELECT * FROM faces WHERE file_id = ? ORDER BY idx`).all(id) as FaceRow[];
  const log = db
    .prepare(
      `SELECT ${LOG_COLUMNS} FROM review_log l JOIN files f ON f.id = l.file_id WHERE l.file_id = ? ORDER BY l.id`,
    )
    .all(id) as LogRow[];
  return {
    ...tileOf(row),
    width: row.width,
    height: row.height,
    sha256: row.sha256,
    size: row.size,
    symmetryBackend: row.symmetry_backend,
    symmetryNote: row.symmetry_note,
    overrideNote: row.override_note,
    alignedQuad: row.aligned_quad ? JSON.parse(row.aligned_quad) : null,
    thumbScale: row.thumb_scale,
    hasAligned: row.has_aligned === 1,
    faces: faces.map(decodeFace),
    log: log.map(logEntryOf),
  };
}

export function mediaPaths(db: Database.Database, id: number): MediaPaths | null {
  const row = db.prepare(`SELECT path, thumb_path, aligned_path FROM files WHERE id = ?`).get(id) as
    | { path: string; thumb_path: string | null; aligned_path: string | null }
    | undefined;
  return row ? { path: row.path, thumbPath: row.thumb_path, alignedPath: row.aligned_path } : null;
}

/**
 * Pins one file to keep/reject (null clears) with the time and a note, logging the state it
 * replaces, in one transaction. Throws for an unknown id.
 */
export function setOverride(
  db: Database.Database,
  id: number,
  override: Decision | null,
  note: string | null,
  at = new Date().toISOString(),
): ReviewLogEntry {
  return db.transaction(() => {
    const before = db
      .prepare(`SELECT override, override_note, override_at FROM files WHERE id = ?`)
      .get(id) as
      | { override: Decision | null; override_note: string | null; override_at: string | null }
      | undefined;
    if (!before) throw new Error(`file id ${id} is not in the manifest (reload the page)`);
    db.prepare(`UPDATE files SET override = ?, override_note = ?, override_at = ? WHERE id = ?`).run(
      override,
      override === null ? null : note,
      override === null ? null : at,
      id,
    );
    const logId = db
      .prepare(
        `INSERT INTO review_log (file_id, at, override, note, prev_override, prev_note, prev_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(id, at, override, note, before.override, before.override_note, before.override_at).lastInsertRowid;
    return logEntryOf(
      db
        .prepare(`SELECT ${LOG_COLUMNS} FROM review_log l JOIN files f ON f.id = l.file_id WHERE l.id = ?`)
        .get(logId) as LogRow,
    );
  })();
}

/**
 * Undoes the latest override not yet undone: restores the override, note and time it replaced.
 * Returns the undone entry, or null when there is nothing to undo. Refuses when the file's override
 * was changed since by something else (another command), rather than overwrite that.
 */
export function undoLastOverride(
  db: Database.Database,
  at = new Date().toISOString(),
): ReviewLogEntry | null {
  return db.transaction(() => {
    const entry = db
      .prepare(
        `SELECT l.*, f.path, f.override AS current FROM review_log l JOIN files f ON f.id = l.file_id
         WHERE l.undone_at IS NULL ORDER BY l.id DESC LIMIT 1`,
      )
      .get() as
      | (LogRow & {
          prev_override: Decision | null;
          prev_note: string | null;
          prev_at: string | null;
          current: Decision | null;
        })
      | undefined;
    if (!entry) return null;
    if (entry.current !== entry.override) {
      throw new Error(
        `cannot undo ${entry.path}: its override is now ${entry.current ?? 'none'} (changed outside this review); set it by hand`,
      );
    }
    db.prepare(`UPDATE files SET override = ?, override_note = ?, override_at = ? WHERE id = ?`).run(
      entry.prev_override,
      entry.prev_note,
      entry.prev_at,
      entry.file_id,
    );
    db.prepare(`UPDATE review_log SET undone_at = ? WHERE id = ?`).run(at, entry.id);
    return logEntryOf({ ...entry, undone_at: at });
  })();
}
