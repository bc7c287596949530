import type { RawImage } from '@portrait-forge/image-io';
import {
  createFace128Extractor,
  featureMatrix,
  featureStats,
  frechetDistance,
  metricKey,
  type FeatureStats,
} from '@portrait-forge/metrics';
import { SampleOrder, loadImage, openSource, type SnapshotContext } from '@portrait-forge/training';

export interface FaceFidOptions {
  manifest?: string;
  data?: string;
  /** Images per side (reals once, fakes at every snapshot). */
  images: number;
  resolution: number;
  channels: 1 | 3;
}

const CHUNK = 16;

/** NHWC floats in [-1, 1] → RawImages (NVlabs' x·127.5 + 128, clipped). */
function toRawImages(data: Float32Array, shape: number[]): RawImage[] {
  const [n, h, w, c] = shape;
  const per = h * w * c;
  return Array.from({ length: n }, (_, k) => {
    const bytes = new Uint8Array(per);
    for (let i = 0; i < per; i++)
      bytes[i] = Math.max(0, Math.min(255, Math.round(data[k * per + i] * 127.5 + 128)));
    return { data: bytes, width: w, height: h, channels: c as 1 | 3 };
  });
}

function stats(rows: Float32Array[]): FeatureStats {
  const dim = rows[0].length;
  const m = featureMatrix(rows.length, dim);
  rows.forEach((r, i) => m.data.set(r, i * dim));
  return featureStats(m);
}

/**
 * Snapshot hook: FID between `images` reals (at the training resolution, so both sides see the same
 * detail) and as many G_ema fakes, in face-api's 128-d face-recognition embedding. Named
 * `fid<N>[face128]`: not comparable with Inception FID.
 */
export async function faceFidHook(
  opts: FaceFidOptions,
): Promise<(ctx: SnapshotContext) => Promise<Record<string, number>>> {
  const extractor = await createFace128Extractor({ cropFraction: 1, log: () => undefined });
  let realStats: FeatureStats | null = null;
  const key = metricKey(`fid${opts.images}`, extractor.name);
  return async (ctx) => {
    if (!realStats) {
      const source = await openSource({ manifest: opts.manifest, data: opts.data });
      const order = new SampleOrder(source.size, 12345, false);
      const rows: Float32Array[] = [];
      const h = opts.resolution;
      for (let i = 0; i < Math.min(opts.images, source.size); i += CHUNK) {
        const batch: RawImage[] = [];
        for (let k = i; k < Math.min(i + CHUNK, opts.images, source.size); k++) {
          const { input, label } = await source.read(order.at(k).index);
          const bytes = await loadImage(input, label, h, opts.channels, false);
          batch.push({ data: bytes, width: h, height: h, channels: opts.channels });
        }
        rows.push(...(await extractor.extract(batch)));
      }
      await source.close();
      realStats = stats(rows);
    }
    const rows: Float32Array[] = [];
    for (let i = 0; i < opts.images; i += CHUNK) {
      const n = Math.min(CHUNK, opts.images - i);
      const t = ctx.sample(n, 1_000_000 + i);
      const data = (await t.data()) as Float32Array;
      const shape = t.shape;
      t.dispose();
      rows.push(...(await extractor.extract(toRawImages(data, shape))));
    }
    return { [key]: frechetDistance(realStats, stats(rows)) };
  };
}
