import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { FeatureMatrix } from './matrix';
import { writeFileAtomic } from '@portrait-forge/files';
import { formatNpy, readNpy } from './npy';

/**
 * Where a dataset's real features are cached, as SG2-ADA's `gan-metrics/<dataset>-<md5>.pkl`: keyed by
 * detector, dataset content hash and how many reals were used, so a changed dataset never hits.
 */
export function referenceFeaturesPath(
  cacheDir: string,
  detector: string,
  datasetHash: string,
  maxItems?: number,
): string {
  return join(cacheDir, 'gan-metrics', `${detector}-${datasetHash.slice(0, 32)}-${maxItems ?? 'all'}.npy`);
}

/** The cached matrix at `path`, else `compute()` written there atomically (float32 .npy) and returned. */
export async function cachedFeatures(
  path: string,
  compute: () => Promise<FeatureMatrix>,
): Promise<{ features: FeatureMatrix; cached: boolean }> {
  if (existsSync(path)) return { features: await readNpy(path), cached: true };
  const features = await compute();
  writeFileAtomic(path, formatNpy(features), { mkdir: true });
  return { features, cached: false };
}
