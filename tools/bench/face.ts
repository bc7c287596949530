/**
 * Face benchmark on faces-dev: ms per image for detection + 68 landmarks with BlazeFace, SSD MobileNet v1
 * and the Tiny Face Detector (same images, decode excluded), and ms per face for FFHQ alignment at 256/512/1024
 * (after an untimed warm-up pass; split into faces whose quad stays inside the image and padded ones).
 * Figures are wall time on whatever else the machine is doing; ratios are against SSD and against 256.
 *
 *   npx tsx tools/bench/face.ts [--dir DIR] [--sample N] [--align-limit 20]
 */
import { Command } from 'commander';
import { initTf } from '@portrait-forge/tf-runtime';
import {
  alignFace,
  decideFace,
  defaultFaceConfig,
  DETECTOR_KINDS,
  readLabels,
  type DetectorKind,
} from '@portrait-forge/face';
import { DEFAULT_FACES_DEV, detectLabelled, parsePositiveInt, type DetectedImage } from '../scripts/face-run';

interface Options {
  dir: string;
  sample?: number;
  alignLimit: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

async function main(options: Options): Promise<void> {
  const { backendName } = await initTf();
  const total = readLabels(options.dir).length;
  const step = options.sample ? Math.max(1, total / options.sample) : 1;
  const picked = new Set(
    Array.from({ length: Math.min(total, options.sample ?? total) }, (_, i) => Math.floor(i * step)),
  );
  const sampler = () => {
    let index = 0;
    return () => picked.has(index++);
  };
  const runs = new Map<DetectorKind, DetectedImage[]>();
  for (const kind of DETECTOR_KINDS) runs.set(kind, await detectLabelled(options.dir, kind, sampler()));
  const stats = (rows: DetectedImage[]) => {
    const ms = rows.map((r) => r.detectMs);
    return { mean: mean(ms), median: median(ms), faces: rows.reduce((s, r) => s + r.faces.length, 0) };
  };
  const ssd = runs.get('ssd')!;
  const ssdMean = stats(ssd).mean;
  console.log(`\nbackend ${backendName}, ${ssd.length} images of ${options.dir}\n`);
  console.log('detector + 68 landmarks   mean ms/img   median ms/img   faces found   vs SSD (mean)');
  for (const [kind, rows] of runs) {
    const s = stats(rows);
    console.log(
      `${kind.padEnd(24)}  ${s.mean.toFixed(0).padStart(11)}   ${s.median.toFixed(0).padStart(13)}   ${String(s.faces).padStart(11)}   ${(s.mean / ssdMean).toFixed(2)}×`,
    );
  }

  const faces = ssd
    .map((r) => ({ r, d: decideFace(r.faces, r.image, defaultFaceConfig('ssd')) }))
    .filter(({ d }) => d.primary && d.reasons.length === 0)
    .slice(0, options.alignLimit);
  console.log(
    `\nFFHQ alignment of ${faces.length} accepted faces (source ${faces[0]?.r.image.width ?? 0}… px wide)`,
  );
  // One untimed pass: the first calls compile the WebAssembly kernels (baseline tier) and warm the JIT.
  for (const { r, d } of faces) await alignFace(r.image, d.primary!.landmarks, 256);
  console.log('size    mean ms/face   median ms/face   plain mean   padded mean (n)   vs 256');
  let base = 0;
  for (const size of [256, 512, 1024]) {
    const plain: number[] = [];
    const padded: number[] = [];
    for (const { r, d } of faces) {
      const t0 = performance.now();
      const aligned = await alignFace(r.image, d.primary!.landmarks, size);
      (aligned.padded ? padded : plain).push(performance.now() - t0);
    }
    const ms = [...plain, ...padded];
    if (size === 256) base = mean(ms);
    const paddedMean = padded.length ? mean(padded).toFixed(0) : '–';
    console.log(
      `${String(size).padEnd(6)}  ${mean(ms).toFixed(0).padStart(12)}   ${median(ms).toFixed(0).padStart(14)}   ${(plain.length ? mean(plain).toFixed(0) : '–').padStart(10)}   ${`${paddedMean} (${padded.length})`.padStart(15)}   ${(mean(ms) / base).toFixed(2)}×`,
    );
  }
}

new Command()
  .name('bench-face')
  .description('Benchmark face detection (SSD vs tiny, with landmarks) and FFHQ alignment at 256/512/1024.')
  .option('--dir <dir>', 'labelled folder with labels.csv', DEFAULT_FACES_DEV)
  .option(
    '--sample <n>',
    'N images spread evenly over labels.csv (all categories) instead of all',
    parsePositiveInt,
  )
  .option('--align-limit <n>', 'faces to align per size', parsePositiveInt, 20)
  .action((options: Options) => main(options))
  .parseAsync()
  .catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
