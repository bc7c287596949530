/**
 * Crowd benchmark: BlazeFace + landmarks on a photo of N faces (a grid of data/samples/grace_hopper.jpg
 * tiles, built with sharp), timed over several runs after one warm-up, with the process's peak RSS.
 * Also times one upright portrait (grace_hopper.jpg) as the reference: "vs portrait" is the crowd's
 * mean over the portrait's. Wall time on whatever else the machine is doing; run it on one core with
 * `taskset -c 0` to read the per-core figure.
 *
 *   npx tsx tools/bench/face-crowd.ts [--faces 80] [--tile 60] [--runs 5]
 */
import { join } from 'node:path';
import { Command } from 'commander';
import sharp from 'sharp';
import { createFaceDetector, decideFace, DEFAULT_FACE_CONFIG } from '@portrait-forge/face';
import { decodeImage, sharpToRaw, type RawImage } from '@portrait-forge/image-io';
import { parsePositiveInt } from '../scripts/face-run';

const SAMPLES = join(__dirname, '../../data/samples');

interface Options {
  faces: number;
  tile: number;
  runs: number;
}

/** `count` copies of the sample face in a near-square grid of `tile`-px-wide tiles on gray. */
async function crowdPhoto(count: number, tile: number): Promise<RawImage> {
  const tileHeight = Math.round((tile * 600) / 512);
  const columns = Math.ceil(Math.sqrt(count * 1.2));
  const rows = Math.ceil(count / columns);
  const face = await sharp(join(SAMPLES, 'grace_hopper.jpg')).resize(tile, tileHeight).toBuffer();
  const composites = Array.from({ length: count }, (_, i) => ({
    input: face,
    left: (i % columns) * tile,
    top: Math.floor(i / columns) * tileHeight,
  }));
  return sharpToRaw(
    sharp({
      create: { width: columns * tile, height: rows * tileHeight, channels: 3, background: '#808080' },
    })
      .composite(composites)
      .removeAlpha(),
  );
}

const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

async function main(options: Options): Promise<void> {
  const detector = await createFaceDetector({ detector: 'blazeface' });
  const crowd = await crowdPhoto(options.faces, options.tile);
  const portrait = await decodeImage(join(SAMPLES, 'grace_hopper.jpg'));
  const time = async (image: RawImage) => {
    await detector.detect(image); // warm-up
    const ms: number[] = [];
    let found = 0;
    let counted = 0;
    for (let i = 0; i < options.runs; i++) {
      const t = performance.now();
      const faces = await detector.detect(image);
      ms.push(performance.now() - t);
      found = faces.length;
      counted = decideFace(faces, image, { ...DEFAULT_FACE_CONFIG, targetSize: 32 }).measures.faces;
    }
    return { ms, found, counted };
  };
  const reference = await time(portrait);
  const result = await time(crowd);
  const peakMb = process.resourceUsage().maxRSS / 1024;
  console.log(
    `crowd ${crowd.width}×${crowd.height}, ${options.faces} faces of ${options.tile} px; ${options.runs} runs`,
  );
  console.log('photo       mean ms   max ms   detections   faces counted   vs portrait');
  for (const [name, r] of [
    ['portrait', reference],
    ['crowd', result],
  ] as const) {
    console.log(
      `${name.padEnd(10)}  ${mean(r.ms).toFixed(0).padStart(7)}  ${Math.max(...r.ms)
        .toFixed(0)
        .padStart(7)}` +
        `  ${String(r.found).padStart(11)}  ${String(r.counted).padStart(14)}  ${(mean(r.ms) / mean(reference.ms)).toFixed(2).padStart(11)}×`,
    );
  }
  console.log(`peak RSS of this process: ${peakMb.toFixed(0)} MB`);
}

new Command()
  .name('face-crowd')
  .description('BlazeFace + landmarks time and peak RSS on a photo of many faces.')
  .option('--faces <n>', 'faces in the crowd photo', parsePositiveInt, 80)
  .option('--tile <px>', 'width of one face tile', parsePositiveInt, 60)
  .option('--runs <n>', 'timed runs per photo', parsePositiveInt, 5)
  .action((options: Options) => main(options))
  .parseAsync()
  .catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
