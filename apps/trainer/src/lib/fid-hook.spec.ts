import { createRng, type FeatureMatrix } from '@portrait-forge/metrics';
import { randomCentres, sampleMixture } from '@portrait-forge/metrics/testing';
import { monitorFigures } from './fid-hook';

const rowsOf = (m: FeatureMatrix): Float32Array[] =>
  Array.from({ length: m.rows }, (_, i) => Float32Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols)));

describe('snapshot figures for the failure-mode monitor', () => {
  const centres = randomCentres(createRng(1), 10, 16, 8);
  const all = Array.from({ length: 10 }, (_, i) => i);
  const real = sampleMixture(createRng(2), 200, centres, all, 1);

  it('a generator covering the data scores high recall and low NDB/K; one stuck on a mode does not', () => {
    const good = monitorFigures(real, rowsOf(sampleMixture(createRng(3), 200, centres, all, 1)));
    const collapsed = monitorFigures(real, rowsOf(sampleMixture(createRng(4), 200, centres, [3], 1)));
    expect(Object.keys(good).sort()).toEqual(['grid_diversity', 'ndb_k', 'precision', 'recall']);
    expect(good['recall']).toBeGreaterThan(0.8);
    expect(collapsed['recall']).toBeLessThan(0.3);
    expect(collapsed['ndb_k']).toBeGreaterThan(good['ndb_k'] + 0.3);
    expect(collapsed['grid_diversity']).toBeLessThan(good['grid_diversity'] / 2);
  });

  it('leaves NDB out when there are too few reals for its bins', () => {
    const few = sampleMixture(createRng(5), 30, centres, all, 1);
    expect(Object.keys(monitorFigures(few, rowsOf(few)))).not.toContain('ndb_k');
  });
});
