/**
 * Real-data check of the face128 feature space on faces-train (issue 10):
 * FID/KID/P&R/NDB between two disjoint halves (should be small) and between one half and
 * blurred / grayscale-inverted copies of the other (should be large).
 *   npx tsx tools/scripts/metrics-faces-train.ts [--per-half 1000] [--crop 0.6]
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeImage } from '@portrait-forge/image-io';
import { sharedPath } from '@portrait-forge/test-support';
import {
  createFace128Extractor,
  evaluateFeatures,
  fromRows,
  imageVariant,
  type FeatureMatrix,
  type ImageVariant,
} from '@portrait-forge/metrics';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

async function main(): Promise<void> {
  const perHalf = arg('per-half', 1000);
  const crop = arg('crop', 0.6);
  const dir = sharedPath('data/faces-train');
  const files = (await readdir(dir)).filter((f) => f.endsWith('.jpg')).sort();
  // interleaved split: disjoint halves with the same spread of identities/initials
  const halfA = files.filter((_, i) => i % 2 === 0).slice(0, perHalf);
  const halfB = files.filter((_, i) => i % 2 === 1).slice(0, perHalf);
  const extractor = await createFace128Extractor({ cropFraction: crop });
  const embed = async (names: string[], variant: ImageVariant): Promise<FeatureMatrix> => {
    const rows: Float32Array[] = [];
    const start = performance.now();
    for (let i = 0; i < names.length; i += 16) {
      const imgs = await Promise.all(
        names
          .slice(i, i + 16)
          .map(async (n) => imageVariant(await decodeImage(join(dir, n), { channels: 3 }), variant)),
      );
      rows.push(...(await extractor.extract(imgs)));
    }
    const s = (performance.now() - start) / 1000;
    console.error(
      `${variant}: ${names.length} images in ${s.toFixed(1)} s (${(names.length / s).toFixed(1)} img/s)`,
    );
    return fromRows(rows);
  };
  const a = await embed(halfA, 'original');
  const b = await embed(halfB, 'original');
  const opts = { extractor: 'face128', kid: { numSubsets: 50, maxSubsetSize: 500 }, ndb: { k: 20 } };
  const rows: Record<string, Record<string, number>> = {};
  rows['A vs B (disjoint halves)'] = evaluateFeatures(a, b, opts).metrics;
  for (const variant of ['blur', 'invert'] as const) {
    rows[`A vs ${variant}(B)`] = evaluateFeatures(a, await embed(halfB, variant), opts).metrics;
  }
  await extractor.dispose();
  console.log(`faces-train, ${perHalf} images per half, face128 crop ${crop} (not Inception FID)`);
  console.table(
    Object.fromEntries(
      Object.entries(rows).map(([k, m]) => [
        k,
        Object.fromEntries(Object.entries(m).map(([n, v]) => [n, Number(v.toPrecision(4))])),
      ]),
    ),
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
