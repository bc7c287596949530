import { Manifest } from '@portrait-forge/manifest';
import { filterRun } from '@portrait-forge/manifest/testing';
import { U2NET_MODELS } from '@portrait-forge/symmetry';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MANIFEST_FILE, runFilter } from './filter';
import { redecide } from './redecide';
import { defaultThresholds } from './thresholds';

describe('runFilter --resume', () => {
  it('refuses to mix detectors (their scores are on different scales), naming the manifest and the fix', async () => {
    const input = mkdtempSync(join(tmpdir(), 'filter-in-'));
    const out = mkdtempSync(join(tmpdir(), 'filter-out-'));
    const manifest = Manifest.open(join(out, MANIFEST_FILE));
    const runId = manifest.startRun(filterRun(input, { config: { detector: 'ssd' } }));
    manifest.endRun(runId, {});
    manifest.close();
    const run = (detector: 'blazeface' | 'ssd') =>
      runFilter({
        input,
        out,
        size: 256,
        resume: true,
        detector,
        thresholds: defaultThresholds(256, detector),
        log: () => undefined,
      });
    await expect(run('blazeface')).rejects.toThrow(
      /manifest\.sqlite was filtered with --detector ssd; resume with --detector ssd, or run without --resume/,
    );
    await expect(run('ssd')).resolves.toMatchObject({ seen: 0, analysed: 0 });
  });
});

describe('runFilter --silhouette u2net without weights and without network', () => {
  it('stops before the first file, naming the cache path, the URL and --silhouette selfie', async () => {
    const input = mkdtempSync(join(tmpdir(), 'filter-in-'));
    const out = mkdtempSync(join(tmpdir(), 'filter-out-'));
    const cacheDir = mkdtempSync(join(tmpdir(), 'filter-cache-'));
    writeFileSync(join(input, 'a.jpg'), Buffer.from([0xff, 0xd8, 0xff, 0xe0]));
    // Port 9 (discard) on loopback: nobody listens, so the test never reaches the internet.
    const spec = { ...U2NET_MODELS.u2net, url: 'http://127.0.0.1:9/u2net.onnx' };
    await expect(
      runFilter({
        input,
        out,
        size: 256,
        silhouette: 'u2net',
        u2netWeights: { cacheDir, spec },
        thresholds: defaultThresholds(256),
        log: () => undefined,
      }),
    ).rejects.toThrow(
      new RegExp(
        `--silhouette u2net needs the U-2-Net weights at ${join(cacheDir, 'u2net.onnx')}.*http://127\\.0\\.0\\.1:9/u2net\\.onnx.*--silhouette selfie`,
        's',
      ),
    );
    const manifest = Manifest.open(join(out, MANIFEST_FILE));
    expect(manifest.files()).toEqual([]);
    manifest.close();
  });
});

describe('runFilter whole-photo BRISQUE (--photo-brisque)', () => {
  const run = (out: string, options: { brisque: number | null; photoBrisque?: boolean }) =>
    runFilter({
      input: mkdtempSync(join(tmpdir(), 'filter-in-')),
      out,
      size: 256,
      photoBrisque: options.photoBrisque,
      thresholds: { ...defaultThresholds(256), brisque: options.brisque },
      log: () => undefined,
    });

  it('is off by default and the run config says so', async () => {
    const out = mkdtempSync(join(tmpdir(), 'filter-out-'));
    await run(out, { brisque: null });
    const manifest = Manifest.open(join(out, MANIFEST_FILE));
    expect(manifest.lastRun('filter')?.config).toMatchObject({ photoBrisque: false });
    expect(() => redecide(manifest, { ...defaultThresholds(256), brisque: 40 })).toThrow(
      /needs the whole-photo score: pass --photo-brisque.*re-run filter with it/,
    );
    manifest.close();
  });

  it('refuses a whole-photo threshold without the whole-photo score, before any run starts', async () => {
    const out = mkdtempSync(join(tmpdir(), 'filter-out-'));
    await expect(run(out, { brisque: 40 })).rejects.toThrow(
      /needs the whole-photo score: pass --photo-brisque/,
    );
    const manifest = Manifest.open(join(out, MANIFEST_FILE));
    expect(manifest.lastRun('filter')).toBeFalsy();
    manifest.close();
    await expect(run(out, { brisque: 40, photoBrisque: true })).resolves.toMatchObject({ seen: 0 });
  });
});
