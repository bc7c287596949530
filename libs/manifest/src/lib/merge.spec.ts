import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileRecord, tempManifestPath } from '../testing';
import { lockFileOf } from './lock';
import { Manifest } from './manifest';
import { mergeManifests, mergeSource } from './merge';
import type { NewRun } from './runs';

const filterRun = (overrides: Partial<NewRun<'filter'>['config']> = {}, thresholds = { brisque: 48 }) =>
  ({
    kind: 'filter',
    inputRoot: '/photos',
    config: {
      input: '/photos',
      size: 256,
      workers: 2,
      resume: true,
      detector: 'blazeface',
      silhouette: 'auto',
      maxPixels: 1e8,
      ...overrides,
    },
    thresholds,
    versions: {},
  }) as NewRun<'filter'>;

/** A shard manifest at `<root>/shards/<name>/manifest.sqlite` holding `paths`. */
function shard(root: string, name: string, paths: string[], run = filterRun()): string {
  const file = join(root, 'shards', name, 'manifest.sqlite');
  const m = Manifest.open(file);
  const id = m.startRun(run);
  m.writeFiles(
    paths.map((p) => fileRecord(p)),
    id,
  );
  m.endRun(id, { files: paths.length });
  m.close();
  return file;
}

const snapshot = (file: string) => {
  const m = Manifest.open(file, { readonly: true });
  const out = {
    files: m.files(),
    kept: m.kept(),
    runs: m.runs().map((r) => [r.kind, r.versions['mergedFrom']]),
  };
  m.close();
  return out;
};

describe('mergeManifests', () => {
  it('merges shards: files with faces, aligned paths re-rooted at the target, runs tagged; twice changes nothing', () => {
    const target = tempManifestPath();
    const root = dirname(target);
    const sources = [shard(root, '0-of-2', ['a.jpg', 'c.jpg']), shard(root, '1-of-2', ['b.jpg'])].map((f) =>
      mergeSource(target, f),
    );
    const first = mergeManifests(target, sources, { log: () => undefined });
    expect(first).toMatchObject({ files: 3, faces: 3, duplicates: [] });
    const a = snapshot(target);
    expect(a.files.map((f) => [f.path, f.alignedPath])).toEqual([
      ['a.jpg', 'shards/0-of-2/aligned/a.jpg.png'],
      ['b.jpg', 'shards/1-of-2/aligned/b.jpg.png'],
      ['c.jpg', 'shards/0-of-2/aligned/c.jpg.png'],
    ]);
    expect(a.files.every((f) => f.faces.length === 1)).toBe(true);
    expect(a.runs).toEqual([
      ['filter', 'shards/0-of-2'],
      ['filter', 'shards/1-of-2'],
      ['merge', undefined],
    ]);
    mergeManifests(target, sources, { log: () => undefined });
    expect(snapshot(target)).toEqual(a);
  });

  it('keeps the same file (same path and content) once and reports it', () => {
    const target = tempManifestPath();
    const root = dirname(target);
    const sources = [shard(root, 'x', ['a.jpg', 'b.jpg']), shard(root, 'y', ['b.jpg'])].map((f) =>
      mergeSource(target, f),
    );
    const result = mergeManifests(target, sources, { log: () => undefined });
    expect(result.files).toBe(2);
    expect(result.duplicates).toEqual([{ path: 'b.jpg', kept: 'shards/x', dropped: 'shards/y' }]);
  });

  it('refuses a path whose content differs between sources', () => {
    const target = tempManifestPath();
    const root = dirname(target);
    const x = shard(root, 'x', ['a.jpg']);
    const y = join(root, 'shards', 'y', 'manifest.sqlite');
    const m = Manifest.open(y);
    m.writeFiles([fileRecord('a.jpg', { sha256: 'other' })], m.startRun(filterRun()));
    m.close();
    expect(() =>
      mergeManifests(
        target,
        [x, y].map((f) => mergeSource(target, f)),
        { log: () => undefined },
      ),
    ).toThrow(/a\.jpg is in shards\/x and in shards\/y with different content/);
  });

  it('refuses sources filtered with different settings or thresholds, naming them', () => {
    const target = tempManifestPath();
    const root = dirname(target);
    const x = shard(root, 'x', ['a.jpg']);
    const y = shard(root, 'y', ['b.jpg'], filterRun({ size: 512 }));
    const z = shard(root, 'z', ['c.jpg'], filterRun({}, { brisque: 40 }));
    const merge = (files: string[]) =>
      mergeManifests(
        target,
        files.map((f) => mergeSource(target, f)),
        { log: () => undefined },
      );
    expect(() => merge([x, y])).toThrow(
      /shards\/x and shards\/y were filtered with different --size \(256 vs 512\)/,
    );
    expect(() => merge([x, z])).toThrow(/shards\/x and shards\/z were filtered with different thresholds/);
  });

  it('carries runs and overrides made on the merged manifest into the next merge', () => {
    const target = tempManifestPath();
    const root = dirname(target);
    const sources = [shard(root, 'x', ['a.jpg', 'b.jpg'])].map((f) => mergeSource(target, f));
    mergeManifests(target, sources, { log: () => undefined });
    const m = Manifest.open(target);
    const id = m.files().find((f) => f.path === 'a.jpg')!.id;
    m.setOverride(id, 'reject', 'blurry');
    const run = m.startRun({
      kind: 'decide',
      inputRoot: null,
      config: {},
      thresholds: { brisque: 30 },
      versions: {},
    });
    m.endRun(run, {});
    m.close();
    const again = mergeManifests(target, sources, { log: () => undefined });
    expect(again.carried).toMatchObject({ runs: 1, overrides: 1 });
    const after = snapshot(target);
    expect(after.files.find((f) => f.path === 'a.jpg')).toMatchObject({
      override: 'reject',
      overrideNote: 'blurry',
    });
    expect(after.runs.map((r) => r[0])).toEqual(['filter', 'decide', 'merge']);
    // …and a third merge neither loses nor repeats them.
    mergeManifests(target, sources, { log: () => undefined });
    expect(snapshot(target)).toEqual({ ...after, runs: after.runs });
  });

  it('a merge that fails leaves the previous merged manifest intact', () => {
    const target = tempManifestPath();
    const root = dirname(target);
    const x = shard(root, 'x', ['a.jpg']);
    mergeManifests(target, [mergeSource(target, x)], { log: () => undefined });
    const before = snapshot(target);
    const broken = join(root, 'shards', 'broken', 'manifest.sqlite');
    mkdirSync(dirname(broken), { recursive: true });
    writeFileSync(broken, 'not a database');
    expect(() =>
      mergeManifests(
        target,
        [x, broken].map((f) => mergeSource(target, f)),
        { log: () => undefined },
      ),
    ).toThrow(/broken or unreadable manifest/);
    expect(snapshot(target)).toEqual(before);
  });

  it('refuses while a filter holds a source', () => {
    const target = tempManifestPath();
    const x = shard(dirname(target), 'x', ['a.jpg']);
    writeFileSync(
      lockFileOf(x),
      JSON.stringify({
        pid: process.pid,
        host: require('node:os').hostname(),
        startedAt: 'now',
        command: 'filter',
      }),
    );
    expect(() => mergeManifests(target, [mergeSource(target, x)], { log: () => undefined })).toThrow(
      /being written by `filter`/,
    );
  });
});
