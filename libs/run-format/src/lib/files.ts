/** Where `train` creates run dirs and where `--resume latest` / `generate --network latest` look. */
export const RUNS_DIR = 'data/training-runs';

export const TRAINING_OPTIONS_FILE = 'training_options.json';
export const LOG_FILE = 'log.txt';
export const STATS_FILE = 'stats.jsonl';
export const REALS_GRID = 'reals.png';
export const FAKES_INIT_GRID = 'fakes_init.png';
export const REPORT_FILE = 'report.html';

/** `network-snapshot-<nimg:09d>.ckpt` (SG2-ADA names snapshots by kimg; sub-kimg ticks need nimg). */
export function checkpointName(kimg: number): string {
  return `network-snapshot-${String(Math.round(kimg * 1000)).padStart(9, '0')}.ckpt`;
}

export const CHECKPOINT_RE = /^network-snapshot-(\d+)\.ckpt$/;

/** `fakes000012.png` as SG2-ADA (kimg); runs with sub-kimg ticks get `fakes000012.345.png` so names stay unique. */
export function fakesGridName(curNimg: number): string {
  const kimg = Math.floor(curNimg / 1000);
  const frac = curNimg % 1000;
  return `fakes${String(kimg).padStart(6, '0')}${frac ? `.${String(frac).padStart(3, '0')}` : ''}.png`;
}

/** Sample grids over time: ours (`fakes000012.345.png`) and other trainers' `grid`/`samples` names; group 1 = kimg. */
export const SAMPLE_GRID_RE = /^(?:fakes|grid|samples?)[-_]?(\d+(?:\.\d+)?)\.(?:png|jpe?g|webp)$/i;

/** `metric-<name>.jsonl`, the name made file-safe. */
export function metricFileName(metric: string): string {
  return `metric-${metric.replace(/[^A-Za-z0-9_.[\]-]/g, '_')}.jsonl`;
}

export const METRIC_FILE_RE = /^metric-.*\.jsonl$/;

/** `<id:05d>-<desc>` as SG2-ADA's train.py; the description made file-safe. */
export function runDirName(id: number, desc: string): string {
  return `${String(id).padStart(5, '0')}-${desc.replace(/[^A-Za-z0-9._-]+/g, '_')}`;
}

/** Group 1 = the run id. */
export const RUN_DIR_RE = /^(\d{5})-/;
