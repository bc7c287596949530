import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { rangeToByte, type RawImage } from '@portrait-forge/image-io';
import { resolveCacheDir } from '@portrait-forge/model-cache';
import {
  PUBLISHED_METRICS,
  cachedFeatures,
  computePublishedMetric,
  createInceptionExtractor,
  referenceFeaturesPath,
  type PublishedMetricName,
  createFace128Extractor,
  featureMatrix,
  featureStats,
  frechetDistance,
  fromRows,
  gridDiversity,
  metricKey,
  ndb,
  precisionRecall,
  type FeatureExtractor,
  type FeatureMatrix,
  type FeatureStats,
} from '@portrait-forge/metrics';
import { SNAPSHOT_METRIC } from '@portrait-forge/run-format';
import {
  SampleOrder,
  loadImage,
  openSource,
  type SnapshotContext,
  type SnapshotFigures,
  type TrainOptions,
} from '@portrait-forge/training';

const CHUNK = 16;

/** NHWC floats in [-1, 1] → RawImages. */
function toRawImages(data: Float32Array, shape: number[]): RawImage[] {
  const [n, h, w, c] = shape;
  const per = h * w * c;
  return Array.from({ length: n }, (_, k) => ({
    data: Uint8Array.from(data.subarray(k * per, (k + 1) * per), (v) => rangeToByte(v, '-1..1')),
    width: w,
    height: h,
    channels: c as 1 | 3,
  }));
}

function stats(rows: Float32Array[]): FeatureStats {
  const dim = rows[0].length;
  const m = featureMatrix(rows.length, dim);
  rows.forEach((r, i) => m.data.set(r, i * dim));
  return featureStats(m);
}

/** Samples whose pairwise distances give grid diversity (the size of the default 8×8 fakes grid). */
const DIVERSITY_SAMPLES = 64;
const NDB_MIN_REALS = 40;

/**
 * What the failure-mode monitor reads at snapshots, on the same embeddings as the FID: k=3 precision
 * and recall, NDB/K, and the mean pairwise distance of the first fixed-seed fakes (grid diversity).
 */
export function monitorFigures(real: FeatureMatrix, fakeRows: Float32Array[]): Record<string, number> {
  const fake = fromRows(fakeRows);
  const { precision, recall } = precisionRecall(real, fake);
  return {
    [SNAPSHOT_METRIC.precision]: precision,
    [SNAPSHOT_METRIC.recall]: recall,
    // NDB needs 20 reals per bin and at least 2 bins: with fewer --metrics-images it is left out.
    ...(real.rows >= NDB_MIN_REALS
      ? { [SNAPSHOT_METRIC.ndbOverK]: ndb(real, fake, { seed: 0 }).ndbOverK }
      : {}),
    [SNAPSHOT_METRIC.gridDiversity]: gridDiversity(fromRows(fakeRows.slice(0, DIVERSITY_SAMPLES))),
  };
}

/** Features of `images` reals at the training resolution (a fixed sample order, seed 12345). */
async function realFeatures(
  extractor: FeatureExtractor,
  o: TrainOptions,
  images: number,
): Promise<Float32Array[]> {
  const source = await openSource({ manifest: o.manifest, data: o.data });
  const order = new SampleOrder(source.size, 12345, false);
  const rows: Float32Array[] = [];
  const h = o.resolution;
  const count = Math.min(images, source.size);
  for (let i = 0; i < count; i += CHUNK) {
    const batch: RawImage[] = [];
    for (let k = i; k < Math.min(i + CHUNK, count); k++) {
      const { input, label } = await source.read(order.at(k).index);
      const bytes = await loadImage(input, label, h, o.channels, false);
      batch.push({ data: bytes, width: h, height: h, channels: o.channels });
    }
    rows.push(...(await extractor.extract(batch)));
  }
  await source.close();
  return rows;
}

/** sha256 over every image's bytes in source order, plus the resolution and channels they are read at. */
async function datasetContentHash(o: TrainOptions): Promise<string> {
  const source = await openSource({ manifest: o.manifest, data: o.data });
  const hash = createHash('sha256').update(`${o.resolution}x${o.channels}:${source.size}\n`);
  for (let i = 0; i < source.size; i++) {
    const { input } = await source.read(i);
    hash.update(
      createHash('sha256')
        .update(typeof input === 'string' ? await readFile(input) : input)
        .digest(),
    );
  }
  await source.close();
  return hash.digest('hex');
}

/** `count` G_ema images (seeds 1 000 000…) through `extractor`. */
async function fakeFeatureRows(
  ctx: SnapshotContext,
  extractor: FeatureExtractor,
  count: number,
): Promise<Float32Array[]> {
  const rows: Float32Array[] = [];
  for (let i = 0; i < count; i += CHUNK) {
    const t = ctx.sample(Math.min(CHUNK, count - i), 1_000_000 + i);
    const data = (await t.data()) as Float32Array;
    const shape = t.shape;
    t.dispose();
    rows.push(...(await extractor.extract(toRawImages(data, shape))));
  }
  return rows;
}

/**
 * Snapshot hook for `--metrics fid50k_full|kid50k_full`: SG2-ADA's metric on the converted NVlabs
 * Inception (50k G_ema fakes, ψ = 1, constant noise; reals: the whole dataset, at most `maxReal`),
 * named and recorded as SG2-ADA. Real features are cached per dataset content hash under the model
 * cache's gan-metrics/ and reused by later snapshots and runs.
 */
export function publishedMetricHook(
  name: Extract<PublishedMetricName, 'fid50k_full' | 'kid50k_full'>,
): (ctx: SnapshotContext) => Promise<SnapshotFigures> {
  let extractor: FeatureExtractor | undefined;
  let reals: FeatureMatrix | undefined;
  return async (ctx) => {
    const { numGen, maxReal } = PUBLISHED_METRICS[name];
    extractor ??= await createInceptionExtractor();
    const ex = extractor;
    if (!reals) {
      const hash = await datasetContentHash(ctx.options);
      const path = referenceFeaturesPath(resolveCacheDir(), INCEPTION_FEATURES, hash, maxReal);
      reals = (
        await cachedFeatures(path, async () =>
          fromRows(await realFeatures(ex, ctx.options, maxReal ?? Infinity)),
        )
      ).features;
    }
    const fakes = fromRows(await fakeFeatureRows(ctx, ex, numGen));
    return computePublishedMetric(name, reals, fakes);
  };
}

/** Detector name in the reference cache's file names (SG2-ADA's get_feature_detector_name). */
const INCEPTION_FEATURES = 'inception-2015-12-05';

/** The hook for `--metrics` (read from the run's options, so a resumed run keeps its metric). */
export function snapshotMetricsHook(): (ctx: SnapshotContext) => Promise<SnapshotFigures> {
  const face = faceFidHook();
  const published = new Map<string, (ctx: SnapshotContext) => Promise<SnapshotFigures>>();
  return async (ctx) => {
    const metrics = ctx.options.metrics;
    if (metrics !== 'fid50k_full' && metrics !== 'kid50k_full') return face(ctx);
    if (!published.has(metrics)) published.set(metrics, publishedMetricHook(metrics));
    return (published.get(metrics) as (c: SnapshotContext) => Promise<SnapshotFigures>)(ctx);
  };
}

/**
 * Snapshot hook for `--metrics face128`: FID between `--metrics-images` reals (at the training
 * resolution, so both sides see the same detail) and as many G_ema fakes, in face-api's 128-d
 * face-recognition embedding, named `fid<N>[face128]` (not comparable with Inception FID), plus the
 * monitor's precision, recall, NDB/K and grid diversity on the same embeddings. The
 * extractor and the reals' statistics are computed at the first snapshot; with `--metrics none` it
 * reports nothing.
 */
export function faceFidHook(): (ctx: SnapshotContext) => Promise<SnapshotFigures> {
  let extractor: FeatureExtractor | undefined;
  let real: { stats: FeatureStats; features: FeatureMatrix } | undefined;
  return async (ctx) => {
    const { metrics, metricsImages: images } = ctx.options;
    if (metrics !== 'face128') return {};
    extractor ??= await createFace128Extractor({ cropFraction: 1, log: () => undefined });
    if (!real) {
      const rows = await realFeatures(extractor, ctx.options, images);
      real = { stats: stats(rows), features: fromRows(rows) };
    }
    const rows = await fakeFeatureRows(ctx, extractor, images);
    return {
      [metricKey(`fid${images}`, extractor.name)]: frechetDistance(real.stats, stats(rows)),
      ...monitorFigures(real.features, rows),
    };
  };
}
