import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fid } from './fid';
import { fromRows } from './matrix';
import { computePublishedMetric, PUBLISHED_METRIC_NAMES } from './published';
import { cachedFeatures, referenceFeaturesPath } from './reference-cache';
import { createRng } from './random';

function gaussian(seed: number, n: number, d: number, shift: number): ReturnType<typeof fromRows> {
  const rng = createRng(seed);
  return fromRows(Array.from({ length: n }, () => Array.from({ length: d }, () => rng.normal() + shift)));
}

describe('SG2-ADA metric registry', () => {
  const real = gaussian(1, 60, 4, 0);
  const fake = gaussian(2, 50, 4, 0.5);

  it('names results as metric_main does', () => {
    expect(PUBLISHED_METRIC_NAMES).toEqual(['fid50k_full', 'kid50k_full', 'pr50k3_full']);
    expect(computePublishedMetric('fid50k_full', real, fake)).toEqual({ fid50k_full: fid(real, fake) });
    expect(Object.keys(computePublishedMetric('kid50k_full', real, fake))).toEqual(['kid50k_full']);
    expect(Object.keys(computePublishedMetric('pr50k3_full', real, fake))).toEqual([
      'pr50k3_full_precision',
      'pr50k3_full_recall',
    ]);
    expect(computePublishedMetric('fid50k_full', real, fake)['fid50k_full']).toBeGreaterThan(0.5);
  });

  it('caches reference features by detector, dataset hash and real count', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'refcache-'));
    const path = referenceFeaturesPath(dir, 'inception-2015-12-05', 'ab'.repeat(32));
    expect(path).toBe(join(dir, 'gan-metrics', `inception-2015-12-05-${'ab'.repeat(16)}-all.npy`));
    expect(referenceFeaturesPath(dir, 'x', 'cd'.repeat(32), 1000)).toMatch(/x-(cd){16}-1000\.npy$/);
    let computed = 0;
    const compute = async () => (computed++, real);
    const first = await cachedFeatures(path, compute);
    expect(first.cached).toBe(false);
    expect(existsSync(path)).toBe(true);
    const second = await cachedFeatures(path, compute);
    expect(second.cached).toBe(true);
    expect(computed).toBe(1);
    expect(Array.from(second.features.data)).toEqual(Array.from(Float32Array.from(real.data)));
  });
});
