import { kid } from './kid';
import { featureMatrix } from './matrix';
import { binCounts, kMeans, ndb, normalCdf, twoProportionZTest } from './ndb';
import { precisionRecall } from './precision-recall';
import { createRng } from './random';
import { randomCentres, sampleGaussian, sampleMixture } from '../testing';

const identity = (d: number): number[][] =>
  Array.from({ length: d }, (_, r) => Array.from({ length: d }, (_, c) => (r === c ? 1 : 0)));

describe('KID', () => {
  const d = 8;
  const zeros = new Array<number>(d).fill(0);
  it('is ≈ 0 for two samples of one distribution and clearly > 0 when shifted', () => {
    const a = sampleGaussian(createRng(1), 800, zeros, identity(d));
    const b = sampleGaussian(createRng(2), 800, zeros, identity(d));
    const shifted = sampleGaussian(
      createRng(3),
      800,
      zeros.map(() => 0.5),
      identity(d),
    );
    const same = kid(a, b, { numSubsets: 20, maxSubsetSize: 400 });
    const moved = kid(a, shifted, { numSubsets: 20, maxSubsetSize: 400 });
    expect(Math.abs(same.kid)).toBeLessThan(0.01);
    expect(moved.kid).toBeGreaterThan(0.1);
    expect(moved.kid).toBeGreaterThan(20 * Math.abs(same.kid));
    expect(same.subsetSize).toBe(400);
  });

  it('is reproducible for a seed', () => {
    const a = sampleGaussian(createRng(1), 100, zeros, identity(d));
    const b = sampleGaussian(createRng(2), 100, zeros, identity(d));
    expect(kid(a, b, { numSubsets: 5, seed: 9 }).kid).toBe(kid(a, b, { numSubsets: 5, seed: 9 }).kid);
  });
});

describe('precision / recall (k = 3)', () => {
  const centres = randomCentres(createRng(10), 10, 16, 10);
  const all = Array.from({ length: 10 }, (_, i) => i);

  it('is 1 / 1 for identical sets and ≈ 1 / 1 for two samples of one distribution', () => {
    const real = sampleMixture(createRng(11), 1000, centres, all, 1);
    expect(precisionRecall(real, real)).toEqual({ precision: 1, recall: 1, k: 3 });
    const fake = sampleMixture(createRng(12), 1000, centres, all, 1);
    const pr = precisionRecall(real, fake);
    // k = 3 balls under-cover a 16-d manifold, so two samples of one distribution score ~0.8, not 1
    expect(pr.precision).toBeGreaterThan(0.75);
    expect(pr.recall).toBeGreaterThan(0.75);
  });

  it('gives recall ≈ 0.5 and precision ≈ 1 when the generator covers half the modes', () => {
    const real = sampleMixture(createRng(13), 1000, centres, all, 1);
    const fake = sampleMixture(createRng(14), 1000, centres, [0, 1, 2, 3, 4], 1);
    const pr = precisionRecall(real, fake);
    expect(pr.recall).toBeGreaterThan(0.4);
    expect(pr.recall).toBeLessThan(0.6);
    expect(pr.precision).toBeGreaterThan(0.75);
  });
});

describe('NDB', () => {
  it('flags exactly the bins that were depleted', () => {
    const centres = randomCentres(createRng(20), 20, 8, 10);
    const modes = Array.from({ length: 20 }, (_, i) => i);
    const train = sampleMixture(createRng(21), 4000, centres, modes, 1);
    const k = 20;
    const centroids = kMeans(train, k, createRng(0), 100);
    // the training set itself minus 90 % of the vectors in bins 3 and 11: no sampling noise, so the
    // depleted bins are the only real differences (the others grow by only ~10 % after renormalising)
    const candidates = train;
    const rng = createRng(23);
    const kept: number[] = [];
    for (let i = 0; i < candidates.rows; i++) {
      const v = candidates.data.subarray(i * 8, (i + 1) * 8);
      const bin = binCounts(featureMatrix(1, 8, v), centroids, k).findIndex((c) => c > 0);
      if ((bin === 3 || bin === 11) && rng.next() < 0.9) continue;
      kept.push(...v);
    }
    const test = featureMatrix(kept.length / 8, 8, kept);
    const result = ndb(train, test, { k, seed: 0 });
    expect(result.bins.filter((b) => b.different).map((b) => b.bin)).toEqual([3, 11]);
    expect(result.ndbOverK).toBeCloseTo(2 / 20, 12);
    const sameDistribution = ndb(train, sampleMixture(createRng(24), 4000, centres, modes, 1), {
      k,
      seed: 0,
    });
    // pure sampling noise: ~α·K = 1 false positive expected, P(> 4) ≈ 0.3 % for Binomial(20, 0.05)
    expect(sameDistribution.ndb).toBeLessThanOrEqual(4);
  });

  it('z-test and Φ agree with textbook values', () => {
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 6);
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    const { z, pValue } = twoProportionZTest(50, 100, 30, 100); // pooled p = 0.4
    expect(z).toBeCloseTo(0.2 / Math.sqrt(0.4 * 0.6 * 0.02), 10);
    expect(pValue).toBeCloseTo(0.003892, 5); // z = 2.8868
  });
});
