import { join, relative } from 'node:path';
import type * as tfjs from '@tensorflow/tfjs';
import type { Generator, StyleGAN2Config } from '@portrait-forge/stylegan2';
import { metricFileName, type MetricRecord } from '@portrait-forge/run-format';
import { saveImageGrid } from './grid';
import { latentsForSeeds, seedRange } from './latents';
import type { TrainOptions } from './options';
import { appendJsonl, type RunLog } from './run-dir';
import { logMetricScalars } from './tensorboard-log';

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

/**
 * Logs each figure, appends it to metric-<name>.jsonl in SG2-ADA's line format (results, metric,
 * total_time, total_time_str, num_gpus, snapshot_pkl, timestamp; plus kimg and snapshot_ckpt) and to
 * the run's TensorBoard events as `Metrics/<name>`. `totalTime`: seconds all figures took together.
 */
export function recordSnapshotFigures(
  runDir: string,
  log: RunLog,
  figures: SnapshotFigures,
  curNimg: number,
  checkpoint: string | null,
  totalTime: number,
): void {
  for (const [metric, value] of Object.entries(figures)) {
    log.line(`  ${metric} ${value.toFixed(4)}`);
    const record: MetricRecord = {
      results: { [metric]: value },
      metric,
      total_time: totalTime,
      total_time_str: formatDuration(totalTime),
      num_gpus: 1,
      snapshot_pkl: null,
      snapshot_ckpt: checkpoint && relative(runDir, checkpoint),
      kimg: curNimg / 1000,
      timestamp: Date.now() / 1000,
    };
    appendJsonl(join(runDir, metricFileName(metric)), record);
  }
  if (Object.keys(figures).length > 0) logMetricScalars(runDir, figures, curNimg);
}

/** dnnlib.util.format_time: `12s`, `3m 04s`, `2h 05m 00s`, `1d 02h 03m`. */
export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  const pad = (n: number): string => String(n).padStart(2, '0');
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${pad(s % 60)}s`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ${pad(Math.floor(s / 60) % 60)}m ${pad(s % 60)}s`;
  return `${Math.floor(s / 86400)}d ${pad(Math.floor(s / 3600) % 24)}h ${pad(Math.floor(s / 60) % 60)}m`;
}
