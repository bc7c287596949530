import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileRecord as record, faceRecord, tempManifestPath as tmp } from '../testing';
import { SCORE_COLUMNS } from './columns';
import { effectiveDecision, isKept, notKeptReasons } from './kept';
import { ManifestError } from './errors';
import { Manifest } from './manifest';
import { MIGRATIONS, SCHEMA_VERSION } from './schema';
import type { Decision, FileRecord } from './types';

const filterConfig = {
  input: '/in',
  size: 256,
  workers: 2,
  resume: false,
  detector: 'blazeface',
  silhouette: 'auto',
  maxPixels: 1e8,
  photoBrisque: false,
};

/** Every combination "kept" depends on: decision × override × duplicate × aligned crop. */
function everyKeptCase(m: Manifest): void {
  const records: FileRecord[] = [];
  const overrides: Array<{ path: string; decision: Decision | null }> = [];
  const duplicates: string[] = [];
  for (const decision of ['keep', 'reject'] as const)
    for (const override of [null, 'keep', 'reject'] as const)
      for (const duplicate of [false, true])
        for (const aligned of [true, false]) {
          const path = `${decision}-${override ?? 'none'}-${duplicate ? 'dup' : 'own'}-${aligned ? 'crop' : 'nocrop'}.jpg`;
          records.push(
            record(path, {
              decision,
              reasons: decision === 'reject' ? ['blurry'] : [],
              alignedPath: aligned ? `aligned/${path}.png` : null,
            }),
          );
          overrides.push({ path, decision: override });
          if (duplicate) duplicates.push(path);
        }
  records.push(record('original.jpg'));
  m.writeFiles(records, null);
  m.setOverrides(overrides);
  const ids = new Map(m.files().map((f) => [f.path, f.id]));
  m.setDuplicates(duplicates.map((p) => ({ id: ids.get(p)!, duplicateOf: ids.get('original.jpg')! })));
}

describe('Manifest', () => {
  it('migrates to the current schema version and round-trips files with faces', () => {
    const file = tmp();
    const m = Manifest.open(file);
    expect(m.schemaVersion).toBe(SCHEMA_VERSION);
    const run = m.startRun({
      kind: 'filter',
      inputRoot: '/in',
      config: filterConfig,
      thresholds: { brisque: 40 },
      versions: {},
    });
    m.writeFiles(
      [record('b.jpg'), record('a.jpg', { decision: 'reject', reasons: ['blurry', 'tilted'] })],
      run,
    );
    m.endRun(run, { keep: 1 });
    const files = m.files();
    expect(files.map((f) => f.path)).toEqual(['a.jpg', 'b.jpg']);
    expect(files[0].reasons).toEqual(['blurry', 'tilted']);
    expect(files[1]).toMatchObject({ ...record('b.jpg'), runId: run, override: null, duplicateOf: null });
    const last = m.lastRun('filter');
    expect(last?.counts).toEqual({ keep: 1 });
    expect(last?.config).toEqual(filterConfig);
    expect(last?.versions['schema']).toBe(SCHEMA_VERSION);
    m.close();
    expect(
      Manifest.open(file, { readonly: true })
        .kept()
        .map((k) => k.path),
    ).toEqual(['b.jpg']);
  });

  it('kept() is files().filter(isKept) in every case (override on a duplicate, override keep without a crop, …)', () => {
    const m = Manifest.open(tmp());
    everyKeptCase(m);
    const files = m.files();
    expect(files).toHaveLength(25);
    expect(m.kept().map((k) => k.path)).toEqual(files.filter(isKept).map((f) => f.path));
    const byPath = new Map(files.map((f) => [f.path, f]));
    const kept = (p: string) => isKept(byPath.get(p)!);
    expect(kept('keep-none-own-crop.jpg')).toBe(true);
    expect(kept('reject-keep-own-crop.jpg')).toBe(true);
    expect(kept('keep-keep-dup-crop.jpg')).toBe(false);
    expect(kept('reject-keep-own-nocrop.jpg')).toBe(false);
    expect(kept('keep-reject-own-crop.jpg')).toBe(false);
    expect(files.filter(isKept)).toHaveLength(4); // original, keep/none, keep/keep, reject/keep (own crop)
    expect(effectiveDecision(byPath.get('keep-keep-dup-crop.jpg')!)).toBe('reject');
    expect(notKeptReasons(byPath.get('reject-keep-dup-nocrop.jpg')!)).toEqual([
      'duplicate',
      'no_aligned_crop',
    ]);
  });

  it('opens a manifest written before the column table (v1 DDL as first shipped) and keeps the same rule', () => {
    const file = tmp();
    const db = new Database(file);
    db.exec(readFileSync(join(__dirname, 'fixtures/schema-v1.sql'), 'utf8'));
    db.pragma('user_version = 1');
    db.close();
    const m = Manifest.open(file);
    expect(m.schemaVersion).toBe(SCHEMA_VERSION);
    everyKeptCase(m);
    expect(m.files().find((f) => f.path === 'original.jpg')).toMatchObject(record('original.jpg'));
    expect(m.kept().map((k) => k.path)).toEqual(
      m
        .files()
        .filter(isKept)
        .map((f) => f.path),
    );
  });

  it('derives the schema from the column table: one migration per version, every score column present', () => {
    expect(MIGRATIONS).toHaveLength(SCHEMA_VERSION);
    const m = Manifest.open(tmp());
    m.writeFiles([record('a.jpg')], null);
    const stored = m.files()[0].scores;
    expect(Object.keys(stored).sort()).toEqual(Object.keys(SCORE_COLUMNS).sort());
  });

  it('overrides survive a rewrite of unchanged content only', () => {
    const m = Manifest.open(tmp());
    m.writeFiles(
      [record('a.jpg'), record('b.jpg'), record('c.jpg', { decision: 'reject', reasons: ['blurry'] })],
      null,
    );
    expect(
      m.setOverrides([
        { path: 'a.jpg', decision: 'reject' },
        { path: 'c.jpg', decision: 'keep' },
        { path: 'zz', decision: 'keep' },
      ]),
    ).toEqual(['zz']);
    const ids = new Map(m.files().map((f) => [f.path, f.id]));
    m.setDuplicates([{ id: ids.get('b.jpg')!, duplicateOf: ids.get('c.jpg')! }]);
    expect(m.kept().map((k) => k.path)).toEqual(['c.jpg']);
    m.writeFiles([record('a.jpg'), record('c.jpg', { sha256: 'changed' })], null);
    const after = new Map(m.files().map((f) => [f.path, f]));
    expect(after.get('a.jpg')!.override).toBe('reject');
    expect(after.get('c.jpg')!.override).toBeNull();
    expect(after.get('a.jpg')!.id).toBe(ids.get('a.jpg'));
  });

  it('fileBatches pages files() without faces in path order; pathsOf resolves ids', () => {
    const m = Manifest.open(tmp());
    m.writeFiles(
      ['c.jpg', 'a.jpg', 'b/\u{1F600}.jpg', 'b/\uFF01.jpg', 'd.jpg'].map((p) => record(p)),
      null,
    );
    const batches = [...m.fileBatches(2)];
    expect(batches.map((b) => b.length)).toEqual([2, 2, 1]);
    expect(batches.flat()).toEqual(m.files({ faces: false }));
    const [a, c] = [batches[0][0], batches[2][0]];
    expect(m.pathsOf([a.id, c.id, 999])).toEqual(
      new Map([
        [a.id, 'a.jpg'],
        [c.id, 'd.jpg'],
      ]),
    );
    m.close();
  });

  it('a failing batch leaves no half-written rows', () => {
    const m = Manifest.open(tmp());
    const bad = record('bad.jpg', { decision: 'maybe' as never });
    expect(() => m.writeFiles([record('ok.jpg'), bad], null)).toThrow();
    expect(m.files()).toHaveLength(0);
    expect(m.faceCount()).toBe(0);
  });

  it('decisionInputs gives per-face measures without landmarks; files() keeps them', () => {
    const m = Manifest.open(tmp());
    m.writeFiles([record('a.jpg')], null);
    const [input] = m.decisionInputs();
    expect(input.faces).toEqual([
      {
        box: { x: 1, y: 2, width: 50, height: 60 },
        score: 0.9,
        boxHeight: 60,
        roll: 2,
        yaw: 3,
        eyeDyPct: 1,
        centerDeltaPct: 5,
        pitch: null,
        cutOff: 0,
        qsize: 120,
        meshYaw: null,
      },
    ]);
    expect(input.scores).toEqual(record('a.jpg').scores);
    expect(m.files()[0].faces[0].landmarks).toEqual(Array.from({ length: 136 }, (_, i) => i));
    expect(input.hasAligned).toBe(true);
  });

  it('stores the FaceMesh yaw and pitch (v7); the decision reads the yaw only', () => {
    const m = Manifest.open(tmp());
    m.writeFiles([record('a.jpg', { faces: [faceRecord({ meshYaw: -27.5, meshPitch: 12.25 })] })], null);
    expect(m.files()[0].faces[0]).toMatchObject({ meshYaw: -27.5, meshPitch: 12.25 });
    const [face] = m.decisionInputs()[0].faces;
    expect(face.meshYaw).toBe(-27.5);
    expect(face).not.toHaveProperty('meshPitch');
  });

  it('decisionInputs groups the joined face rows per file, in face order, and keeps faceless files', () => {
    const m = Manifest.open(tmp());
    m.writeFiles(
      [
        record('none.jpg', { faces: [] }),
        record('two.jpg', { faces: [faceRecord(), faceRecord({ score: 0.4 })] }),
        record('one.jpg'),
      ],
      null,
    );
    const inputs = m.decisionInputs();
    expect(inputs.map((i) => [i.path, i.faces.map((f) => f.score)])).toEqual([
      ['none.jpg', []],
      ['two.jpg', [0.9, 0.4]],
      ['one.jpg', [0.9]],
    ]);
    // In batches of 2 files: the same rows, a file's faces never split across two batches.
    const batches = [...m.decisionInputBatches(2)];
    expect(batches.map((b) => b.length)).toEqual([2, 1]);
    expect(batches.flat()).toEqual(inputs);
  });

  it('checks run configs on write and when read back, naming the run and the field', () => {
    const file = tmp();
    const m = Manifest.open(file);
    expect(() =>
      m.startRun({
        kind: 'dedupe',
        inputRoot: null,
        config: { distance: -1, exactOnly: false },
        thresholds: {},
        versions: {},
      }),
    ).toThrow(/distance/);
    m.startRun({
      kind: 'dedupe',
      inputRoot: null,
      config: { distance: 4, exactOnly: false },
      thresholds: {},
      versions: {},
    });
    m.close();
    const db = new Database(file);
    db.prepare(`UPDATE runs SET config_json = '{"distance": "four", "exactOnly": false}'`).run();
    db.close();
    expect(() => Manifest.open(file).runs()).toThrow(/run 1 has an unreadable config_json[\s\S]*distance/);
  });

  it('refuses a manifest from a newer schema and names the file', () => {
    const file = tmp();
    const db = new Database(file);
    db.pragma(`user_version = ${SCHEMA_VERSION + 5}`);
    db.close();
    expect(() => Manifest.open(file)).toThrow(/newer than this build/);
    expect(() => Manifest.open(file)).toThrow(ManifestError);
    expect(() => Manifest.open(join(tmpdir(), 'nope', 'x.sqlite'), { readonly: true })).toThrow(
      /run `nx run curate:filter`/,
    );
  });
});
