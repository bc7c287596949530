import { rangeToByte, type RawImage } from '@portrait-forge/image-io';
import {
  createFace128Extractor,
  featureMatrix,
  featureStats,
  frechetDistance,
  metricKey,
  type FeatureExtractor,
  type FeatureStats,
} from '@portrait-forge/metrics';
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

/** Features of `images` reals at the training resolution (a fixed sample order, seed 12345). */
async function realFeatures(
  extractor: FeatureExtractor,
  o: TrainOptions,
  images: number,
): Promise<FeatureStats> {
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
  return stats(rows);
}

/**
 * Snapshot hook for `--metrics face128`: FID between `--metrics-images` reals (at the training
 * resolution, so both sides see the same detail) and as many G_ema fakes, in face-api's 128-d
 * face-recognition embedding, named `fid<N>[face128]` (not comparable with Inception FID). The
 * extractor and the reals' statistics are computed at the first snapshot; with `--metrics none` it
 * reports nothing.
 */
export function faceFidHook(): (ctx: SnapshotContext) => Promise<SnapshotFigures> {
  let extractor: FeatureExtractor | undefined;
  let realStats: FeatureStats | undefined;
  return async (ctx) => {
    const { metrics, metricsImages: images } = ctx.options;
    if (metrics !== 'face128') return {};
    extractor ??= await createFace128Extractor({ cropFraction: 1, log: () => undefined });
    realStats ??= await realFeatures(extractor, ctx.options, images);
    const rows: Float32Array[] = [];
    for (let i = 0; i < images; i += CHUNK) {
      const n = Math.min(CHUNK, images - i);
      const t = ctx.sample(n, 1_000_000 + i);
      const data = (await t.data()) as Float32Array;
      const shape = t.shape;
      t.dispose();
      rows.push(...(await extractor.extract(toRawImages(data, shape))));
    }
    return { [metricKey(`fid${images}`, extractor.name)]: frechetDistance(realStats, stats(rows)) };
  };
}
