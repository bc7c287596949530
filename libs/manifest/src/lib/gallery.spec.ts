import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  galleryPage,
  galleryPagePlan,
  GALLERY_SORT_SQL,
  type GalleryCursor,
  type GalleryQuery,
  type GalleryTile,
} from './gallery';
import { emptyScores } from './columns';
import { Manifest } from './manifest';
import { MIGRATIONS } from './schema';
import type { FileRecord } from './types';

function record(i: number): FileRecord {
  const brisque = i % 7 === 0 ? null : (i * 37) % 100;
  return {
    path: `p${String(i).padStart(3, '0')}.jpg`,
    size: 1,
    mtimeMs: 0,
    sha256: `h${i}`,
    width: 100,
    height: 100,
    decodeError: null,
    scores: {
      ...emptyScores(),
      faceCount: 1,
      faceSize: 100 + i,
      roll: i % 2 ? i : -i,
      yaw: 0,
      brisque,
      symmetry: null,
      symmetryBackend: null,
      symmetryNote: null,
    },
    faces: [],
    alignedPath: `aligned/${i}.png`,
    alignedQuad: null,
    thumbPath: `thumbs/${i}.jpg`,
    thumbScale: 0.5,
    phash: null,
    stageMs: {},
    decision: brisque !== null && brisque > 50 ? 'reject' : 'keep',
    reasons: brisque !== null && brisque > 50 ? ['blurry'] : [],
  };
}

function open(n = 60): Manifest {
  const m = Manifest.open(join(mkdtempSync(join(tmpdir(), 'gallery-')), 'manifest.sqlite'));
  m.writeFiles(
    Array.from({ length: n }, (_, i) => record(i)),
    null,
  );
  return m;
}

/** Every tile of a query, page by page through the cursors. */
function all(m: Manifest, q: GalleryQuery): GalleryTile[] {
  const out: GalleryTile[] = [];
  let after: GalleryCursor | null = null;
  for (let pages = 0; pages < 1000; pages++) {
    const page = m.galleryPage({ ...q, after });
    out.push(...page.tiles);
    if (!page.next) return out;
    after = page.next;
  }
  throw new Error('no end');
}

describe('gallery queries', () => {
  it('pages through every file once, sorted by a score with unscored files last', () => {
    const m = open();
    const tiles = all(m, { sort: 'brisque', limit: 7 });
    expect(tiles).toHaveLength(60);
    expect(new Set(tiles.map((t) => t.id)).size).toBe(60);
    const scored = tiles.filter((t) => t.scores.brisque !== null).map((t) => t.scores.brisque as number);
    expect(scored).toEqual([...scored].sort((a, b) => a - b));
    expect(tiles.slice(scored.length).every((t) => t.scores.brisque === null)).toBe(true);
    const desc = all(m, { sort: 'brisque', direction: 'desc', limit: 9 }).map((t) => t.scores.brisque);
    expect(desc.slice(0, scored.length)).toEqual([...scored].reverse());
    m.close();
  });

  it('sorts roll by magnitude and "near" by the distance to a threshold', () => {
    const m = open();
    const roll = all(m, { sort: 'roll', limit: 11 }).map((t) => Math.abs(t.scores.roll as number));
    expect(roll).toEqual([...roll].sort((a, b) => a - b));
    const near = all(m, { sort: 'brisque', near: 50, limit: 8 })
      .filter((t) => t.scores.brisque !== null)
      .map((t) => Math.abs((t.scores.brisque as number) - 50));
    expect(near).toEqual([...near].sort((a, b) => a - b));
    // Both sides of the threshold, every file once, ties (equal distance) by id, unscored last.
    const byDistance = (t: GalleryTile) => Math.abs((t.scores.brisque ?? Infinity) - 37);
    const walked = all(m, { sort: 'brisque', near: 37, limit: 4 });
    const expected = all(m, { sort: 'path', limit: 100 }).sort(
      (a, b) => byDistance(a) - byDistance(b) || a.id - b.id,
    );
    expect(walked.map((t) => t.id)).toEqual(expected.map((t) => t.id));
    expect(() => m.galleryPage({ sort: 'path', near: 1 })).toThrow(/numeric sort key/);
    m.close();
  });

  it('filters by decision (the kept view), reason, override, duplicate group and selection', () => {
    const m = open();
    const kept = new Set(m.kept().map((k) => k.id));
    const keep = m.galleryPage({ decision: 'keep', limit: 1000, withTotal: true });
    expect(new Set(keep.tiles.map((t) => t.id))).toEqual(kept);
    expect(keep.total).toBe(kept.size);
    const blurry = m.galleryPage({ reason: 'blurry', limit: 1000 }).tiles;
    expect(blurry.length).toBeGreaterThan(0);
    expect(blurry.every((t) => t.reasons.includes('blurry') && !t.kept)).toBe(true);
    const [a, b, c] = m.galleryPage({ limit: 3 }).tiles;
    m.setDuplicates([
      { id: b.id, duplicateOf: a.id },
      { id: c.id, duplicateOf: a.id },
    ]);
    expect(m.galleryPage({ duplicateGroup: a.id }).tiles.map((t) => t.id)).toEqual([a.id, b.id, c.id]);
    expect(m.galleryPage({ reason: 'duplicate', withTotal: true }).total).toBe(2);
    m.setOverride(a.id, 'reject', 'test');
    expect(m.galleryPage({ override: 'reject' }).tiles.map((t) => t.id)).toEqual([a.id]);
    expect(m.galleryPage({ override: 'none', withTotal: true }).total).toBe(59);
    m.setGallerySelection([c.id, a.id]);
    expect(m.galleryPage({ inSelection: true }).tiles.map((t) => t.id)).toEqual([a.id, c.id]);
    m.setGallerySelection([]);
    expect(m.galleryPage({ inSelection: true }).tiles).toEqual([]);
    m.close();
  });

  it('writes an override with time and note, logs it, and undoes back to the state it replaced', () => {
    const m = open(5);
    const [a, b] = m.galleryPage({}).tiles;
    expect(a.kept).toBe(true);
    m.setOverride(a.id, 'reject', 'first');
    m.setOverride(a.id, 'keep', 'second');
    m.setOverride(b.id, 'reject', null);
    expect(m.galleryCounts().overrides).toEqual({ keep: 1, reject: 1 });
    expect(m.undoLastOverride()?.fileId).toBe(b.id);
    expect(m.fileDetail(b.id)?.override).toBeNull();
    expect(m.undoLastOverride()?.note).toBe('second');
    const detail = m.fileDetail(a.id)!;
    expect(detail.override).toBe('reject');
    expect(detail.overrideNote).toBe('first');
    expect(detail.overrideAt).toMatch(/^\d{4}-/);
    expect(detail.log.map((l) => [l.override, l.undoneAt !== null])).toEqual([
      ['reject', false],
      ['keep', true],
    ]);
    expect(m.kept().map((k) => k.id)).not.toContain(a.id);
    m.undoLastOverride();
    expect(m.undoLastOverride()).toBeNull();
    expect(m.fileDetail(a.id)?.override).toBeNull();
    expect(() => m.setOverride(999, 'keep', null)).toThrow(/999 is not in the manifest/);
    m.close();
  });

  it('refuses to undo over an override changed by something else', () => {
    const m = open(2);
    const [a] = m.galleryPage({}).tiles;
    m.setOverride(a.id, 'reject', null);
    m.setOverrides([{ path: a.path, decision: 'keep', note: 'review --apply' }]);
    expect(() => m.undoLastOverride()).toThrow(/override is now keep/);
    expect(m.fileDetail(a.id)?.override).toBe('keep');
    m.close();
  });

  it('counts files, kept, overrides and reasons', () => {
    const m = open();
    const counts = m.galleryCounts();
    expect(counts.total).toBe(60);
    expect(counts.kept).toBe(m.kept().length);
    expect(counts.rejected).toBe(60 - counts.kept);
    expect(counts.byReason['blurry']).toBe(m.files().filter((f) => f.reasons.includes('blurry')).length);
    m.close();
  });

  it('keeps cached counts right through overrides, undo, its own writes and another connection', () => {
    const m = open();
    const fresh = () => {
      const other = Manifest.open(m.file, { readonly: true });
      const counts = other.galleryCounts();
      other.close();
      return counts;
    };
    const [a, b] = m.galleryPage({ decision: 'keep', limit: 2 }).tiles;
    const [c] = m.galleryPage({ decision: 'reject', limit: 1 }).tiles;
    m.galleryCounts();
    m.setOverride(a.id, 'reject', null);
    m.setOverride(c.id, 'keep', null);
    m.setOverride(a.id, null, null);
    expect(m.galleryCounts()).toEqual(fresh());
    m.undoLastOverride();
    expect(m.galleryCounts()).toEqual(fresh());
    expect(m.galleryCounts().overrides).toEqual({ keep: 1, reject: 1 });
    m.setDuplicates([{ id: b.id, duplicateOf: a.id }]); // a write not through an override
    expect(m.galleryCounts()).toEqual(fresh());
    const writer = Manifest.open(m.file);
    writer.writeFiles([record(100)], null);
    writer.setOverrides([{ path: c.path, decision: 'reject' }]);
    writer.close();
    expect(m.galleryCounts()).toEqual(fresh());
    expect(m.galleryCounts().total).toBe(61);
    m.close();
  });

  it('answers the kept filter, kept counts and "near" from indexes (EXPLAIN QUERY PLAN)', () => {
    const m = open(200);
    m.refreshQueryStats();
    const plans = m.galleryPagePlan({ decision: 'keep', sort: 'symmetry', withTotal: true });
    const [keptPage, keptTotal] = [plans[0], plans[plans.length - 1]];
    // Few kept files (cached count ≤ FILTER_FIRST_MAX_ROWS): the first page reads the kept index; the
    // next ones walk the key's index from the cursor.
    expect(keptPage).toMatch(/USING (COVERING )?INDEX files_kept/);
    expect(keptTotal).toMatch(/USING (COVERING )?INDEX files_kept/);
    const next = m.galleryPage({ decision: 'keep', sort: 'symmetry', limit: 3 }).next ?? undefined;
    expect(m.galleryPagePlan({ decision: 'keep', sort: 'symmetry', after: next })[0]).toMatch(
      /USING INDEX files_symmetry/,
    );
    const after = { key: 3.5, id: 2 };
    for (const plan of m.galleryPagePlan({ sort: 'faceBrisque', near: 55, after }).slice(0, 2)) {
      expect(plan).toMatch(/SEARCH f USING INDEX files_face_brisque \(face_brisque[<>]/);
    }
    expect(m.galleryPagePlan({ sort: 'roll', near: 12 })[0]).toMatch(/USING INDEX files_abs_roll/);
    m.close();
  });

  it('a rare reason on a sorted first page reads its rows from the reasons index; same page either way', () => {
    const m = open(300);
    m.refreshQueryStats();
    const db = new Database(m.file, { readonly: true });
    const walk = { reasonCount: () => Infinity, keptCount: () => Infinity };
    const rare = { reasonCount: () => 10, keptCount: () => 10 };
    for (const [q, index] of [
      [{ reason: 'blurry', sort: 'brisque', limit: 20, withTotal: true }, 'files_reasons'],
      [{ reason: 'blurry', sort: 'roll', direction: 'desc', limit: 7 }, 'files_reasons'],
      [{ reason: 'blurry', decision: 'reject', sort: 'faceSize', limit: 500 }, 'files_reasons'],
      [{ reason: 'blurry', decision: 'keep', sort: 'brisque', limit: 20 }, 'files_reasons'],
      [{ decision: 'keep', sort: 'brisque', direction: 'desc', limit: 20, withTotal: true }, 'files_kept'],
      [{ decision: 'keep', sort: 'symmetry', limit: 500 }, 'files_kept'],
    ] as Array<[GalleryQuery, string]>) {
      const walked = galleryPage(db, q, walk);
      if (!q.decision || q.decision === 'reject') expect(walked.tiles.length).toBeGreaterThan(0);
      if (q.decision === 'keep' && !q.reason) expect(walked.tiles.length).toBeGreaterThan(0);
      expect(galleryPage(db, q, rare)).toEqual(walked);
      expect(galleryPagePlan(db, q, rare)[0]).toMatch(new RegExp(`USING (COVERING )?INDEX ${index}`));
      expect(galleryPagePlan(db, q, walk)[0]).not.toMatch(new RegExp(index));
    }
    // Later pages walk the key's index from the cursor (the matches are near it by then).
    const first = galleryPage(db, { reason: 'blurry', sort: 'brisque', limit: 5 }, rare);
    const after = first.next ?? undefined;
    expect(galleryPagePlan(db, { reason: 'blurry', sort: 'brisque', after }, rare)[0]).toMatch(
      /USING INDEX files_brisque/,
    );
    // The Manifest's own pages take the count from its cached counts (40 blurry files here).
    expect(m.galleryCounts().byReason['blurry']).toBeLessThan(300);
    expect(m.galleryPagePlan({ reason: 'blurry', sort: 'brisque' })[0]).toMatch(/files_reasons/);
    db.close();
    m.close();
  });

  it('migrates v5 to v6: the kept and reasons indexes', () => {
    const db = new Database(':memory:');
    for (const step of MIGRATIONS.slice(0, 5)) db.exec(step);
    const indexes = () =>
      (
        db.prepare(`SELECT name FROM sqlite_master WHERE type = 'index'`).all() as Array<{ name: string }>
      ).map((r) => r.name);
    expect(indexes()).not.toContain('files_kept');
    db.exec(MIGRATIONS[5]);
    expect(indexes()).toEqual(expect.arrayContaining(['files_kept', 'files_reasons']));
    db.close();
  });

  it('uses the score indexes for a sorted page', () => {
    const m = open(3);
    const db = new Database(m.file, { readonly: true });
    const plan = (sql: string) =>
      (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as Array<{ detail: string }>)
        .map((r) => r.detail)
        .join('; ');
    expect(
      plan(
        `SELECT id FROM files f WHERE f.brisque IS NOT NULL AND (f.brisque, f.id) > (1, 1) ORDER BY f.brisque, f.id LIMIT 10`,
      ),
    ).toMatch(/INDEX files_brisque/);
    expect(plan(`SELECT id FROM files f ORDER BY abs(f.roll) DESC, f.id DESC LIMIT 10`)).toMatch(
      /INDEX files_abs_roll/,
    );
    // Every sort key has an index (a new score column needs one in its migration step).
    for (const [sort, sql] of Object.entries(GALLERY_SORT_SQL)) {
      expect([sort, plan(`SELECT id FROM files f ORDER BY ${sql}, f.id LIMIT 10`)]).toEqual([
        sort,
        expect.stringMatching(/USING (COVERING )?INDEX/),
      ]);
    }
    m.close();
  });
});
