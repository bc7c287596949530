import { fid } from './fid';
import { kid, type KidOptions } from './kid';
import { assertSameDim, row, type FeatureMatrix } from './matrix';
import { ndb, type NdbOptions } from './ndb';
import { precisionRecall } from './precision-recall';

/** `fid[face128]`: every reported number carries the feature extractor it was computed with. */
export function metricKey(metric: string, extractor: string): string {
  return `${metric}[${extractor}]`;
}

export interface EvaluateOptions {
  /** Name of the extractor both feature sets came from (face128, inception, …). */
  extractor: string;
  kid?: KidOptions;
  /** Precision/recall neighbourhood (SG2-ADA pr50k3: 3). */
  k?: number;
  ndb?: NdbOptions;
  /** Per-metric progress callback (the CLI prints timings). */
  onMetric?: (name: string, seconds: number) => void;
}

export interface MetricsReport {
  extractor: string;
  comparableWithInceptionFid: boolean;
  counts: { real: number; fake: number; dim: number };
  metrics: Record<string, number>;
  details: {
    kid: { numSubsets: number; subsetSize: number };
    precisionRecall: { k: number };
    ndb: { k: number; ndb: number; differentBins: number[] };
  };
}

/** FID, KID, precision/recall and NDB/K of `fake` against `real`, keys named after the extractor. */
export function evaluateFeatures(
  real: FeatureMatrix,
  fake: FeatureMatrix,
  options: EvaluateOptions,
): MetricsReport {
  assertSameDim(real, fake, 'metrics');
  const timed = <T>(name: string, fn: () => T): T => {
    const start = performance.now();
    const result = fn();
    options.onMetric?.(name, (performance.now() - start) / 1000);
    return result;
  };
  const key = (m: string): string => metricKey(m, options.extractor);
  const fidValue = timed('fid', () => fid(real, fake));
  const kidResult = timed('kid', () => kid(real, fake, options.kid));
  const pr = timed('precision/recall', () => precisionRecall(real, fake, options.k ?? 3));
  const ndbResult = timed('ndb', () => ndb(real, fake, options.ndb));
  return {
    extractor: options.extractor,
    comparableWithInceptionFid: options.extractor === 'inception',
    counts: { real: real.rows, fake: fake.rows, dim: real.cols },
    metrics: {
      [key('fid')]: fidValue,
      [key('kid')]: kidResult.kid,
      [key(`precision_k${pr.k}`)]: pr.precision,
      [key(`recall_k${pr.k}`)]: pr.recall,
      [key('ndb_k')]: ndbResult.ndbOverK,
    },
    details: {
      kid: { numSubsets: kidResult.numSubsets, subsetSize: kidResult.subsetSize },
      precisionRecall: { k: pr.k },
      ndb: {
        k: ndbResult.k,
        ndb: ndbResult.ndb,
        differentBins: ndbResult.bins.filter((b) => b.different).map((b) => b.bin),
      },
    },
  };
}

/**
 * Mean pairwise Euclidean distance between the feature vectors of one sample grid — the monitor's
 * `Metrics/grid_diversity`; it drops towards 0 when a fixed-seed grid collapses onto one image.
 */
export function gridDiversity(features: FeatureMatrix): number {
  if (features.rows < 2) throw new Error('grid diversity needs at least 2 images');
  let sum = 0;
  let pairs = 0;
  for (let i = 0; i < features.rows; i++) {
    const a = row(features, i);
    for (let j = i + 1; j < features.rows; j++) {
      const b = row(features, j);
      let s = 0;
      for (let k = 0; k < a.length; k++) s += (a[k] - b[k]) ** 2;
      sum += Math.sqrt(s);
      pairs++;
    }
  }
  return sum / pairs;
}
