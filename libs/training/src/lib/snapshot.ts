import { join } from 'node:path';
import type * as tfjs from '@tensorflow/tfjs';
import type { Generator, StyleGAN2Config } from '@portrait-forge/stylegan2';
import { metricFileName, type MetricRecord } from '@portrait-forge/run-format';
import { saveImageGrid } from './grid';
import { latentsForSeeds, seedRange } from './latents';
import type { TrainOptions } from './options';
import { appendJsonl, type RunLog } from './run-dir';

/** What snapshot hooks get: where the run is, how far, and a sampler of G_ema. */
export interface SnapshotContext {
  runDir: string;
  /** The run's resolved options (data source, resolution, channels, metrics settings). */
  options: TrainOptions;
  kimg: number;
  tf: typeof tfjs;
  /** n images from G_ema (NHWC in [-1, 1]) with fixed noise, seeds start..start+n-1, ψ = 1. */
  sample: (n: number, seedStart: number) => tfjs.Tensor4D;
}

/** Figures a snapshot hook computed, by metric name (e.g. `fid200[face128]`). */
export type SnapshotFigures = Record<string, number>;

/** n images of `Gema` for seeds start… with constant noise (as the fixed-seed grids). */
export function sampleGenerator(
  tf: typeof tfjs,
  Gema: Generator,
  config: StyleGAN2Config,
  n: number,
  seedStart: number,
): tfjs.Tensor4D {
  return tf.tidy(() => {
    const z = latentsForSeeds(seedRange(seedStart, n), config.zDim);
    return Gema.generate(tf.tensor2d(z, [n, config.zDim]), { noiseMode: 'const' });
  });
}

/** The fixed-seed fakes grid (seeds 0…cols·rows−1) as one PNG. */
export async function saveFakesGrid(
  tf: typeof tfjs,
  Gema: Generator,
  config: StyleGAN2Config,
  grid: readonly [number, number],
  file: string,
): Promise<void> {
  const [cols, rows] = grid;
  const imgs = sampleGenerator(tf, Gema, config, cols * rows, 0);
  const data = (await imgs.data()) as Float32Array;
  const shape = imgs.shape as [number, number, number, number];
  imgs.dispose();
  await saveImageGrid(file, data, shape, cols);
}

/** Logs each figure and appends it to metric-<name>.jsonl (SG2-ADA's record shape). */
export function recordSnapshotFigures(
  runDir: string,
  log: RunLog,
  figures: SnapshotFigures,
  kimg: number,
  checkpoint: string | null,
): void {
  for (const [metric, value] of Object.entries(figures)) {
    log.line(`  ${metric} ${value.toFixed(4)}`);
    const record: MetricRecord = {
      results: { [metric]: value },
      metric,
      kimg,
      snapshot_ckpt: checkpoint,
      timestamp: Date.now() / 1000,
    };
    appendJsonl(join(runDir, metricFileName(metric)), record);
  }
}
