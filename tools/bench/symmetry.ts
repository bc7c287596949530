/**
 * Symmetry stage speed per silhouette backend on faces-dev `keep` photos: ms/image for mask
 * inference (preprocess + model + resize back) and for the metric, after one warm-up image.
 * U-2-Net rows need the weights (`--u2net-model PATH` or a cached copy); without them they print
 * "not available" with the reason. A tiny generated U-2-Net-shaped ONNX graph is timed instead to
 * show the fixed cost of the ONNX path (pre/post-processing + session overhead).
 * Run: npx tsx tools/bench/symmetry.ts [--backends selfie,meet,u2netp] [--limit 53]
 */
import { Command } from 'commander';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createSilhouette,
  isSilhouette,
  isSilhouetteChoice,
  type Silhouette,
} from '@portrait-forge/symmetry';
import { tinyU2netModel } from '@portrait-forge/test-support';
import { quantile, readFacesDev, scorePhoto } from '../scripts/symmetry-faces-dev';

const opts = new Command()
  .option('--backends <list>', 'backends to time', 'selfie,meet,u2netp,u2net')
  .option('--u2net-model <path>', 'local U-2-Net .onnx')
  .option('--limit <n>', 'number of keep photos', '53')
  .parse()
  .opts<{ backends: string; u2netModel?: string; limit: string }>();

async function time(label: string, silhouette: Silhouette): Promise<void> {
  const photos = readFacesDev()
    .filter((p) => p.category === 'keep')
    .slice(0, Number(opts.limit));
  await scorePhoto(silhouette, photos[0]); // warm-up: graph compilation, first allocations
  const mask: number[] = [];
  const metric: number[] = [];
  let pixels = 0;
  for (const photo of photos) {
    const row = await scorePhoto(silhouette, photo);
    mask.push(row.maskMs);
    metric.push(row.metricMs);
    pixels += row.image.width * row.image.height;
  }
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  const median = (v: number[]) =>
    quantile(
      [...v].sort((a, b) => a - b),
      0.5,
    );
  process.stdout.write(
    `${label.padEnd(22)} ${silhouette.runtime.padEnd(20)} ${String(photos.length).padStart(3)}  ` +
      `${mean(mask).toFixed(1).padStart(8)} ${median(mask).toFixed(1).padStart(8)} ${mean(metric).toFixed(2).padStart(8)} ` +
      `${(mean(mask) + mean(metric)).toFixed(1).padStart(8)}   (${(pixels / photos.length / 1e3).toFixed(0)} kpx/img)\n`,
  );
}

async function main(): Promise<void> {
  process.stdout.write(
    `${'backend'.padEnd(22)} ${'runtime'.padEnd(20)}   n  mask-ms  mask-p50 metric-ms total-ms\n`,
  );
  const log = () => undefined;
  for (const backend of opts.backends.split(',')) {
    if (!isSilhouetteChoice(backend)) throw new Error(`--backends: unknown backend "${backend}"`);
    const silhouette = await createSilhouette({
      backend,
      u2netModel: opts.u2netModel,
      allowDownload: false,
      log,
    });
    if (!isSilhouette(silhouette)) {
      process.stdout.write(`${backend.padEnd(22)} not available: ${silhouette.reason.slice(0, 160)}…\n`);
      continue;
    }
    await time(backend, silhouette);
    await silhouette.dispose();
  }
  const tinyPath = join(mkdtempSync(join(tmpdir(), 'bench-symmetry-')), 'tiny-u2net.onnx');
  writeFileSync(tinyPath, tinyU2netModel());
  const tiny = await createSilhouette({ backend: 'u2netp', u2netModel: tinyPath, log });
  if (isSilhouette(tiny)) {
    await time('u2net path, tiny graph', tiny);
    await tiny.dispose();
  }
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : err}\n`);
  process.exit(1);
});
