import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Manifest } from './manifest';
import { SCHEMA_VERSION } from './schema';
import type { FileRecord } from './types';

const tmp = () => join(mkdtempSync(join(tmpdir(), 'manifest-')), 'manifest.sqlite');

function record(path: string, overrides: Partial<FileRecord> = {}): FileRecord {
  return {
    path,
    size: 10,
    mtimeMs: 1,
    sha256: `hash-${path}`,
    width: 100,
    height: 80,
    decodeError: null,
    scores: {
      faceCount: 1,
      faceSize: 50,
      roll: 2,
      yaw: 3,
      brisque: 20,
      symmetry: 0.01,
      symmetryBackend: 'x',
      symmetryNote: null,
    },
    faces: [
      {
        box: { x: 1, y: 2, width: 50, height: 60 },
        score: 0.9,
        landmarks: Array.from({ length: 136 }, (_, i) => i),
        roll: 2,
        yaw: 3,
        pitch: null,
        eyeDyPct: 1,
        centerDeltaPct: 5,
        qsize: 120,
      },
    ],
    alignedPath: `aligned/${path}.png`,
    alignedQuad: [0, 0, 0, 1, 1, 1, 1, 0],
    thumbPath: null,
    thumbScale: null,
    phash: 'ffff',
    stageMs: { decode: 3 },
    decision: 'keep',
    reasons: [],
    ...overrides,
  };
}

describe('Manifest', () => {
  it('migrates to the current schema version and round-trips files with faces', () => {
    const file = tmp();
    const m = Manifest.open(file);
    expect(m.schemaVersion).toBe(SCHEMA_VERSION);
    const run = m.startRun({
      kind: 'filter',
      inputRoot: '/in',
      config: { size: 256 },
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
    expect(files[1].faces[0].landmarks).toHaveLength(136);
    expect(m.lastRun('filter')?.counts).toEqual({ keep: 1 });
    expect(m.lastRun('filter')?.versions['schema']).toBe(SCHEMA_VERSION);
    m.close();
    expect(
      Manifest.open(file, { readonly: true })
        .kept()
        .map((k) => k.path),
    ).toEqual(['b.jpg']);
  });

  it('kept view honours overrides and duplicates; overrides survive a rewrite of unchanged content only', () => {
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

  it('a failing batch leaves no half-written rows', () => {
    const m = Manifest.open(tmp());
    const bad = record('bad.jpg', { decision: 'maybe' as never });
    expect(() => m.writeFiles([record('ok.jpg'), bad], null)).toThrow();
    expect(m.files()).toHaveLength(0);
    expect(m.db.prepare('SELECT COUNT(*) AS n FROM faces').get()).toEqual({ n: 0 });
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
        qsize: 120,
      },
    ]);
    expect(m.files()[0].faces[0].landmarks).toEqual(Array.from({ length: 136 }, (_, i) => i));
    expect(input.hasAligned).toBe(true);
  });

  it('decisionInputs groups the joined face rows per file, in face order, and keeps faceless files', () => {
    const m = Manifest.open(tmp());
    const face = record('x.jpg').faces[0];
    m.writeFiles(
      [
        record('none.jpg', { faces: [] }),
        record('two.jpg', { faces: [face, { ...face, score: 0.4 }] }),
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
  });

  it('refuses a manifest from a newer schema and names the file', () => {
    const file = tmp();
    const db = new Database(file);
    db.pragma(`user_version = ${SCHEMA_VERSION + 5}`);
    db.close();
    expect(() => Manifest.open(file)).toThrow(/newer than this build/);
    expect(() => Manifest.open(join(tmpdir(), 'nope', 'x.sqlite'), { readonly: true })).toThrow(
      /run `nx run curate:filter`/,
    );
  });
});
