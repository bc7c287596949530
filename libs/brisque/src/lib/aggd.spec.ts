import { fitAggd, searchShape } from './aggd';
import { gammaFunction, momentRatio } from './gamma';

const { cos, log, pow, sqrt, PI } = Math;

/** Deterministic uniform (0, 1) stream (mulberry32). */
function uniformStream(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
  };
}

function normal(uniform: () => number): number {
  return sqrt(-2 * log(uniform())) * cos(2 * PI * uniform());
}

/** Gamma(k, 1) variate, Marsaglia–Tsang (with the k < 1 boost). */
function gammaVariate(k: number, uniform: () => number): number {
  if (k < 1) return gammaVariate(k + 1, uniform) * pow(uniform(), 1 / k);
  const d = k - 1 / 3;
  const c = 1 / sqrt(9 * d);
  for (;;) {
    const x = normal(uniform);
    const v = (1 + c * x) ** 3;
    if (v > 0 && log(uniform()) < 0.5 * x * x + d - d * v + d * log(v)) return d * v;
  }
}

/** Generalised Gaussian with shape β and scale α: |X| = α·G^(1/β), G ~ Gamma(1/β), random sign. */
function sampleGeneralisedGaussian(shape: number, scale: number, count: number, seed: number): Float32Array {
  const uniform = uniformStream(seed);
  const samples = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    const magnitude = scale * pow(gammaVariate(1 / shape, uniform), 1 / shape);
    samples[i] = uniform() < 0.5 ? -magnitude : magnitude;
  }
  return samples;
}

describe('gammaFunction', () => {
  it('matches known values', () => {
    expect(gammaFunction(5)).toBeCloseTo(24, 10);
    expect(gammaFunction(0.5)).toBeCloseTo(Math.sqrt(Math.PI), 12);
    expect(gammaFunction(15) / 87178291200).toBeCloseTo(1, 12);
  });

  it('gives the Gaussian moment ratio 2/π at shape 2', () => {
    expect(momentRatio(2)).toBeCloseTo(2 / Math.PI, 12);
  });
});

describe('fitAggd', () => {
  it.each([0.6, 1, 1.5, 2, 3])('recovers generalised-Gaussian shape %p within 5 %%', (shape) => {
    const samples = sampleGeneralisedGaussian(shape, 0.7, 50_000, Math.round(shape * 1000));
    const fit = fitAggd(samples);
    process.stdout.write(`shape ${shape}: fitted ${fit.shape.toFixed(3)}\n`);
    expect(Math.abs(fit.shape - shape) / shape).toBeLessThan(0.05);
    expect(fit.leftSigma / fit.rightSigma).toBeCloseTo(1, 1);
  });

  it('measures left and right spread separately', () => {
    const samples = sampleGeneralisedGaussian(2, 1, 50_000, 7).map((v) => (v < 0 ? 2 * v : v));
    const fit = fitAggd(samples);
    expect(fit.leftSigma / fit.rightSigma).toBeCloseTo(2, 1);
  });
});

describe('searchShape', () => {
  it('stops at the grid ends like OpenCV', () => {
    expect(searchShape(0)).toBeCloseTo(0.2, 12);
    expect(searchShape(1)).toBeGreaterThan(9.99);
    expect(searchShape(Number.NaN)).toBeGreaterThan(9.99);
  });
});
