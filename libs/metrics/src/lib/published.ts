import { fid } from './fid';
import { kid } from './kid';
import type { FeatureMatrix } from './matrix';
import { precisionRecall } from './precision-recall';

/**
 * SG2-ADA's primary metrics (metrics/metric_main.py), same names, sample counts and detectors; each
 * result goes to `metric-<name>.jsonl`. `maxReal`: reals used (undefined = the whole dataset).
 */
export const PUBLISHED_METRICS = {
  fid50k_full: { detector: 'inception', numGen: 50_000, maxReal: undefined },
  kid50k_full: { detector: 'inception', numGen: 50_000, maxReal: 1_000_000 },
  /** NVlabs computes precision/recall on VGG16 features (vgg16.pt), not Inception. */
  pr50k3_full: { detector: 'vgg16', numGen: 50_000, maxReal: 200_000 },
} as const;

export type PublishedMetricName = keyof typeof PUBLISHED_METRICS;
export const PUBLISHED_METRIC_NAMES = Object.keys(PUBLISHED_METRICS) as PublishedMetricName[];

/** The metric's results under SG2-ADA's keys, from the real and generated features of its detector. */
export function computePublishedMetric(
  name: PublishedMetricName,
  real: FeatureMatrix,
  fake: FeatureMatrix,
  seed = 0,
): Record<string, number> {
  switch (name) {
    case 'fid50k_full':
      return { fid50k_full: fid(real, fake) };
    case 'kid50k_full':
      return { kid50k_full: kid(real, fake, { numSubsets: 100, maxSubsetSize: 1000, seed }).kid };
    case 'pr50k3_full': {
      const pr = precisionRecall(real, fake, 3);
      return { pr50k3_full_precision: pr.precision, pr50k3_full_recall: pr.recall };
    }
  }
}
