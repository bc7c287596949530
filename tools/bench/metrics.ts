/**
 * Benchmarks for libs/metrics (figures are taken on a shared 2-core box, under contention).
 *   npx tsx tools/bench/metrics.ts [--images 64] [--n 10000] [--with-2048] [--inception-model PATH]
 * - features/s of each extractor on the tfjs backend initTf picks (wasm here), on faces-train
 * - FID / KID / precision-recall / NDB wall time on N random 128-d features (issue bar: FID on 10 000 < 5 s)
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeImage } from '@portrait-forge/image-io';
import { sharedPath } from '@portrait-forge/test-support';
import {
  createFace128Extractor,
  createInceptionExtractor,
  createRng,
  featureMatrix,
  fid,
  kid,
  ndb,
  precisionRecall,
  type FeatureExtractor,
  type FeatureMatrix,
} from '@portrait-forge/metrics';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function randomFeatures(n: number, d: number, seed: number): FeatureMatrix {
  const rng = createRng(seed);
  return featureMatrix(
    n,
    d,
    Array.from({ length: n * d }, () => rng.normal()),
  );
}

function time<T>(label: string, fn: () => T): T {
  const start = performance.now();
  const out = fn();
  console.log(`${label.padEnd(44)} ${((performance.now() - start) / 1000).toFixed(2)} s`);
  return out;
}

async function featuresPerSecond(extractor: FeatureExtractor, count: number): Promise<void> {
  const dir = sharedPath('data/faces-train');
  const files = (await readdir(dir))
    .filter((f) => f.endsWith('.jpg'))
    .sort()
    .slice(0, count);
  const images = await Promise.all(files.map((f) => decodeImage(join(dir, f), { channels: 3 })));
  await extractor.extract(images.slice(0, 2)); // warm-up (kernel compilation)
  const start = performance.now();
  for (let i = 0; i < images.length; i += 16) await extractor.extract(images.slice(i, i + 16));
  const seconds = (performance.now() - start) / 1000;
  console.log(
    `${`features/s ${extractor.name} (${images.length} imgs, batch 16)`.padEnd(44)} ${(images.length / seconds).toFixed(1)} img/s`,
  );
  await extractor.dispose();
}

async function main(): Promise<void> {
  const n = Number(arg('n') ?? 10000);
  const images = Number(arg('images') ?? 64);
  await featuresPerSecond(await createFace128Extractor({ cropFraction: 0.6 }), images);
  const inceptionModel = arg('inception-model');
  if (inceptionModel)
    await featuresPerSecond(await createInceptionExtractor({ modelPath: inceptionModel }), images);
  else console.log('features/s inception                         not measured (pass --inception-model PATH)');

  const real = randomFeatures(n, 128, 1);
  const fake = randomFeatures(n, 128, 2);
  time(`FID ${n}×128 vs ${n}×128`, () => fid(real, fake));
  time(`KID ${n}×128 (100 subsets of 1000)`, () => kid(real, fake));
  const m = Math.min(n, 5000);
  const sub = (x: FeatureMatrix): FeatureMatrix => featureMatrix(m, 128, x.data.subarray(0, m * 128));
  time(`precision/recall k=3 ${m}×128 each`, () => precisionRecall(sub(real), sub(fake)));
  time(`NDB k=50 ${n}×128`, () => ndb(real, fake, { k: 50 }));
  if (process.argv.includes('--with-2048')) {
    const n2 = Math.min(n, 10000);
    time(`FID ${n2}×2048 vs ${n2}×2048 (Inception size)`, () =>
      fid(randomFeatures(n2, 2048, 3), randomFeatures(n2, 2048, 4)),
    );
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
