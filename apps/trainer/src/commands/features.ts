import { readdir, writeFile } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { Command } from 'commander';
import cliProgress from 'cli-progress';
import { decodeImage, ImageDecodeError, type RawImage } from '@portrait-forge/image-io';
import {
  createFace128Extractor,
  createInceptionExtractor,
  resolveInceptionOnnx,
  fromRows,
  writeNpy,
  type ExtractorName,
  type FeatureExtractor,
} from '@portrait-forge/metrics';
import { numberIn, oneOf, positiveInt, stderrLog, UsageError } from '@portrait-forge/cli';

const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.webp', '.tif', '.tiff', '.bmp']);

const EXTRACTOR_NAMES: readonly ExtractorName[] = ['face128', 'inception'];

export interface FeaturesCommandOptions {
  images: string;
  out: string;
  extractor: ExtractorName;
  inceptionModel?: string;
  crop: number;
  batch: number;
  limit?: number;
  progress: boolean;
}

/** Written beside the .npy as `<out>.json` so `trainer:metrics` knows which extractor made it. */
export interface FeaturesSidecar {
  extractor: ExtractorName;
  dim: number;
  count: number;
  source: string;
  files: string[];
  skipped: { file: string; reason: string }[];
}

export async function listImages(dir: string, limit?: number): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    throw new UsageError(`cannot list --images ${dir}: ${(err as Error).message}`);
  }
  const images = names.filter((n) => IMAGE_EXTENSIONS.has(extname(n).toLowerCase())).sort();
  if (images.length === 0)
    throw new UsageError(`--images ${dir} holds no images (${[...IMAGE_EXTENSIONS].join(', ')})`);
  return limit ? images.slice(0, limit) : images;
}

export async function createExtractor(
  opts: Pick<FeaturesCommandOptions, 'extractor' | 'inceptionModel' | 'crop'>,
): Promise<FeatureExtractor> {
  if (opts.extractor === 'face128') return createFace128Extractor({ cropFraction: opts.crop });
  try {
    resolveInceptionOnnx(opts.inceptionModel);
  } catch (err) {
    throw new UsageError(`--extractor inception: ${(err as Error).message}`);
  }
  return createInceptionExtractor({ modelPath: opts.inceptionModel });
}

export async function runFeatures(
  opts: FeaturesCommandOptions,
  log: (line: string) => void = stderrLog,
): Promise<FeaturesSidecar> {
  const files = await listImages(opts.images, opts.limit);
  const extractor = await createExtractor(opts);
  const bar = opts.progress
    ? new cliProgress.SingleBar(
        { format: 'features [{bar}] {value}/{total} {percentage}% | ETA {eta_formatted} | {rate} img/s' },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  bar?.start(files.length, 0, { rate: '0' });
  const rows: Float32Array[] = [];
  const kept: string[] = [];
  const skipped: FeaturesSidecar['skipped'] = [];
  const start = performance.now();
  try {
    for (let i = 0; i < files.length; i += opts.batch) {
      const batchFiles = files.slice(i, i + opts.batch);
      const decoded = await Promise.all(batchFiles.map((f) => decodeOrSkip(join(opts.images, f))));
      const images: RawImage[] = [];
      batchFiles.forEach((file, j) => {
        const d = decoded[j];
        if (typeof d === 'string') skipped.push({ file, reason: d });
        else {
          images.push(d);
          kept.push(file);
        }
      });
      rows.push(...(await extractor.extract(images)));
      const done = Math.min(i + opts.batch, files.length);
      bar?.update(done, { rate: (done / ((performance.now() - start) / 1000)).toFixed(1) });
    }
  } finally {
    bar?.stop();
    await extractor.dispose();
  }
  for (const s of skipped) log(`skipped ${s.file}: ${s.reason}`);
  if (rows.length === 0) throw new UsageError(`no image in ${opts.images} could be decoded`);
  const seconds = (performance.now() - start) / 1000;
  await writeNpy(opts.out, fromRows(rows), 'float32');
  const sidecar: FeaturesSidecar = {
    extractor: extractor.name,
    dim: extractor.dim,
    count: rows.length,
    source: resolve(opts.images),
    files: kept,
    skipped,
  };
  await writeFile(`${opts.out}.json`, JSON.stringify(sidecar, null, 2) + '\n');
  log(
    `${rows.length} × ${extractor.dim} ${extractor.name} features → ${opts.out} (${(rows.length / seconds).toFixed(1)} img/s)`,
  );
  return sidecar;
}

async function decodeOrSkip(path: string): Promise<RawImage | string> {
  try {
    return await decodeImage(path, { channels: 3 });
  } catch (err) {
    if (err instanceof ImageDecodeError) return err.reason;
    throw err;
  }
}

export function featuresCommand(): Command {
  return new Command('features')
    .description(
      'Extract one feature vector per image of a folder into an N×D float32 .npy (+ <out>.json naming the extractor)',
    )
    .requiredOption('--images <dir>', 'folder of images (jpg, png, webp, tif, bmp)')
    .requiredOption('--out <npy>', 'output .npy')
    .option(
      '--extractor <name>',
      'face128 (face-api recognition net, offline) or inception (NVlabs FID Inception, converted once)',
      oneOf(EXTRACTOR_NAMES),
      'face128',
    )
    .option(
      '--inception-model <onnx>',
      'output of tools/scripts/convert-inception.py; omitted: inception-2015-12-05.onnx in the model cache',
    )
    .option(
      '--crop <fraction>',
      'face128: keep this centred fraction of each image (0.6 suits 250 px LFW crops)',
      numberIn(0, 1, { exclusiveMin: true }),
      1,
    )
    .option('--batch <n>', 'images per batch', positiveInt, 16)
    .option('--limit <n>', 'only the first N images (sorted by name)', positiveInt)
    .option('--no-progress', 'no progress bar')
    .action(async (opts: FeaturesCommandOptions) => {
      await runFeatures(opts);
    });
}
