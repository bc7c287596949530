import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRng, featureMatrix, formatNpy } from '@portrait-forge/metrics';
import { resolveExtractor, runMetrics } from './metrics';

function gaussianNpy(
  dir: string,
  name: string,
  n: number,
  shift: number,
  seed: number,
  dtype: 'float32' | 'float64',
): string {
  const rng = createRng(seed);
  const m = featureMatrix(
    n,
    4,
    Array.from({ length: n * 4 }, () => rng.normal() + shift),
  );
  const path = join(dir, name);
  writeFileSync(path, formatNpy(m, dtype));
  return path;
}

describe('trainer:metrics', () => {
  const dir = mkdtempSync(join(tmpdir(), 'metrics-cmd-'));
  const real = gaussianNpy(dir, 'real.npy', 400, 0, 1, 'float32');
  const fake = gaussianNpy(dir, 'fake.npy', 300, 1, 2, 'float64');
  const opts = { real, fake, kidSubsets: 5, kidSubsetSize: 200, k: 3, seed: 2 };

  it('computes FID, KID, P/R and NDB/K under extractor-named keys', async () => {
    writeFileSync(`${real}.json`, JSON.stringify({ extractor: 'face128' }));
    writeFileSync(`${fake}.json`, JSON.stringify({ extractor: 'face128' }));
    const report = await runMetrics(opts, () => undefined);
    expect(Object.keys(report.metrics).sort()).toEqual([
      'fid[face128]',
      'kid[face128]',
      'ndb_k[face128]',
      'precision_k3[face128]',
      'recall_k3[face128]',
    ]);
    expect(report.metrics['fid[face128]']).toBeGreaterThan(3); // |Δμ|² = 4
    expect(report.comparableWithInceptionFid).toBe(false);
    expect(report.counts).toEqual({ real: 400, fake: 300, dim: 4 });
  });

  it('refuses feature sets from different extractors and labels unknown ones by dimension', () => {
    writeFileSync(`${fake}.json`, JSON.stringify({ extractor: 'inception' }));
    expect(() => resolveExtractor(opts, 4)).toThrow(/face128 features but .* inception/);
    expect(resolveExtractor({ ...opts, real: 'a.npy', fake: 'b.npy' }, 4)).toBe('features4');
    expect(resolveExtractor({ ...opts, extractor: 'inception' }, 4)).toBe('inception');
  });

  it('names the file when it is not a .npy', async () => {
    const bad = join(dir, 'bad.npy');
    writeFileSync(bad, 'nope');
    await expect(runMetrics({ ...opts, real: bad }, () => undefined)).rejects.toThrow(
      /bad\.npy: not a \.npy file/,
    );
  });
});
