import { createHash } from 'node:crypto';
import { appendFileSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Manifest } from '@portrait-forge/manifest';
import { fileRecord, tempManifestPath } from '@portrait-forge/manifest/testing';
import { syntheticImageFolder, tempDir } from '../testing';
import { DATASET_LIST_FILE, frozenManifestSource, readDatasetList } from './dataset-list';
import type { TrainOptionsInput } from './options';
import { train } from './train';

/** A manifest keeping every PNG of a synthetic folder (crops given by absolute path). */
async function keptManifest(count: number): Promise<string> {
  const images = await syntheticImageFolder(count, 16);
  const file = tempManifestPath();
  const m = Manifest.open(file);
  m.writeFiles(
    readdirSync(images)
      .sort()
      .map((name) => fileRecord(name, { alignedPath: join(images, name) })),
    null,
  );
  m.close();
  return file;
}

/** A review rejecting the first `n` kept files, as `curate review` / `decide` would do mid-run. */
function rejectSome(file: string, n: number): void {
  const m = Manifest.open(file);
  m.setOverrides(
    m
      .kept()
      .slice(0, n)
      .map((k) => ({ path: k.path, decision: 'reject' as const })),
  );
  m.close();
}

jest.setTimeout(300_000);

describe('frozen training dataset (dataset.json)', () => {
  it('a change to the manifest after the freeze does not change the list, and is reported', async () => {
    const manifest = await keptManifest(6);
    const runDir = tempDir();
    const lines: string[] = [];
    const fresh = frozenManifestSource(runDir, manifest, (l) => lines.push(l), { fresh: true });
    expect(fresh.size).toBe(6);
    expect(readDatasetList(runDir)?.images.map((i) => i.sha256)).toEqual(
      Array.from({ length: 6 }, (_, i) => `hash-img000${i}.png`),
    );
    const again = frozenManifestSource(runDir, manifest, (l) => lines.push(l), { fresh: false });
    expect([again.size, lines]).toEqual([6, []]);

    rejectSome(manifest, 2);
    const after = frozenManifestSource(runDir, manifest, (l) => lines.push(l), { fresh: false });
    expect(after.size).toBe(6);
    expect((await after.read(0)).label).toMatch(/img0000\.png$/);
    expect(lines.join('\n')).toMatch(
      /changed since this run froze its dataset .*: 0 kept image\(s\) added, 2 gone; training on the frozen list of 6/,
    );
  });

  it('records the content hash of each crop; a changed or missing crop stops the resume, naming it', async () => {
    const manifest = await keptManifest(4);
    const runDir = tempDir();
    frozenManifestSource(runDir, manifest, () => undefined, { fresh: true });
    const list = readDatasetList(runDir);
    expect(list?.format).toBe(2);
    for (const e of list?.images ?? [])
      expect(e.cropSha256).toBe(createHash('sha256').update(readFileSync(e.crop)).digest('hex'));

    const [first, second] = list?.images ?? [];
    appendFileSync(first.crop, 'x');
    rmSync(second.crop);
    const resume = () => frozenManifestSource(runDir, manifest, () => undefined, { fresh: false });
    expect(resume).toThrow(
      /1 missing: .*img0001\.png; 1 changed since the freeze: .*img0000\.png\); restore them/,
    );
    // A fresh freeze refuses a kept row whose crop is gone, naming it and the fix.
    expect(() => frozenManifestSource(tempDir(), manifest, () => undefined, { fresh: true })).toThrow(
      /1 kept crop\(s\) cannot be read: .*img0001\.png; re-run `nx run curate:filter --resume`/,
    );
  });

  it('a list frozen before crop hashes (format 1) is still read, and says it is not verified', async () => {
    const manifest = await keptManifest(2);
    const runDir = tempDir();
    frozenManifestSource(runDir, manifest, () => undefined, { fresh: true });
    const file = join(runDir, DATASET_LIST_FILE);
    const old = JSON.parse(readFileSync(file, 'utf8'));
    old.format = 1;
    for (const e of old.images) delete e.cropSha256;
    writeFileSync(file, JSON.stringify(old));
    const lines: string[] = [];
    expect(frozenManifestSource(runDir, manifest, (l) => lines.push(l), { fresh: false }).size).toBe(2);
    expect(lines.join('\n')).toMatch(/frozen before crop hashes: its crops are not verified/);
  });

  it('a run trains on the list frozen at its start; its resume reports the changed manifest', async () => {
    const manifest = await keptManifest(8);
    const outdir = tempDir();
    const opts: TrainOptionsInput = {
      manifest,
      outdir,
      cfg: 'tiny',
      resolution: 8,
      channels: 1,
      kimg: 0.032,
      tickKimg: 0.016,
      snap: 1,
      aug: 'noaug',
      backend: 'wasm',
      grid: [2, 2],
      workers: 1,
      seed: 3,
    };
    const first = await train(opts, { echo: () => undefined, stopAtNimg: 16 });
    expect(first.stoppedBy).toBe('stop');
    const frozen = readFileSync(join(first.runDir, DATASET_LIST_FILE), 'utf8');
    expect(JSON.parse(frozen).images).toHaveLength(8);

    rejectSome(manifest, 3); // a decide / review while the run is paused
    const lines: string[] = [];
    const resumed = await train({ ...opts, resume: first.runDir }, { echo: (l) => lines.push(l) });
    expect(resumed.curNimg).toBe(32);
    expect(lines.join('\n')).toMatch(
      /changed since this run froze .*3 gone; training on the frozen list of 8/,
    );
    expect(readFileSync(join(first.runDir, DATASET_LIST_FILE), 'utf8')).toBe(frozen);
  });
});
