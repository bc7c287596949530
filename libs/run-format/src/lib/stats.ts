import { z } from 'zod';

/**
 * Every statistic the trainer writes to stats.jsonl, under SG2-ADA's names (training_stats.report keys)
 * where SG2-ADA has one. The trainer reports each where it is computed; the run report and the
 * failure-mode monitor read them through these constants only.
 */
export const STAT = {
  scoresFake: 'Loss/scores/fake',
  scoresReal: 'Loss/scores/real',
  /** ADA's overfitting heuristic r_t = E[sign(D(real))]. */
  signsReal: 'Loss/signs/real',
  gLoss: 'Loss/G/loss',
  dLoss: 'Loss/D/loss',
  r1Penalty: 'Loss/r1_penalty',
  plPenalty: 'Loss/pl_penalty',
  /** Global L2 norm of G's gradients in Gmain (not an SG2-ADA key). */
  gGradNorm: 'Grad/G/norm',
  tick: 'Progress/tick',
  kimg: 'Progress/kimg',
  augment: 'Progress/augment',
  lrScale: 'Progress/lr_scale',
  /** Progressive growing's level of detail and minibatch (NVlabs stylegan2 autosummary names). */
  lod: 'Progress/lod',
  minibatch: 'Progress/minibatch',
  /** The scheduled G and D learning rates of the tick (--glr/--dlr × --lr-steps × rollback scale). */
  gLr: 'Progress/G/lr',
  dLr: 'Progress/D/lr',
  /** The scheduled R1 γ of the tick (--gamma × --gamma-steps). */
  r1Gamma: 'Progress/r1_gamma',
  /** Non-finite values reported this tick, all keys together (each key's own count is its `nonfinite`). */
  nonFinite: 'Progress/nonfinite',
  totalSec: 'Timing/total_sec',
  secPerTick: 'Timing/sec_per_tick',
  secPerKimg: 'Timing/sec_per_kimg',
  totalHours: 'Timing/total_hours',
  totalDays: 'Timing/total_days',
  cpuMemGb: 'Resources/cpu_mem_gb',
  numTensors: 'Resources/num_tensors',
} as const;

export type StatKey = (typeof STAT)[keyof typeof STAT];

/** `Alerts/<rule>`: 1 on every tick where the failure-mode monitor's rule is active (absent otherwise). */
export type AlertStatKey = `Alerts/${string}`;
export const alertStatKey = (rule: string): AlertStatKey => `Alerts/${rule}`;
export const ALERT_STAT_RE = /^Alerts\/(.+)$/;

/** One statistic over a tick, as SG2-ADA's stats.jsonl: count, mean and standard deviation. */
export const StatSummarySchema = z.object({
  num: z.number(),
  /** null when any value of the tick was non-finite (JSON has no NaN/Infinity; SG2-ADA's mean would be NaN). */
  mean: z.number().nullable(),
  std: z.number().nullable(),
  /** How many of the `num` values were non-finite (absent when none). */
  nonfinite: z.number().optional(),
});
export type StatSummary = z.infer<typeof StatSummarySchema>;

/** One line of stats.jsonl: {key: {num, mean, std}, …, timestamp}. Unknown keys (other trainers) are kept. */
export const StatsRecordSchema = z
  .object({ timestamp: z.number().optional() })
  .catchall(z.union([StatSummarySchema, z.number(), z.null()]));
export type StatsRecord = Partial<Record<StatKey | AlertStatKey, StatSummary>> & { timestamp: number };

/**
 * Figures computed at snapshots (onSnapshot hooks) that the monitor reads; each goes to
 * metric-<name>.jsonl and appears in the monitor's trace as `Metrics/<name>`.
 */
export const SNAPSHOT_METRIC = {
  precision: 'precision',
  recall: 'recall',
  ndbOverK: 'ndb_k',
  /** Mean pairwise feature distance of the fixed-seed sample grid. */
  gridDiversity: 'grid_diversity',
} as const;

export const metricTraceKey = (metric: string): `Metrics/${string}` => `Metrics/${metric}`;

/**
 * One line of metric-<name>.jsonl: SG2-ADA's metric_main.report_metric line (results, metric, total_time,
 * total_time_str, num_gpus, snapshot_pkl, timestamp); ours adds `kimg` and `snapshot_ckpt` (run-relative).
 */
export const MetricRecordSchema = z.object({
  results: z.record(z.string(), z.number()),
  metric: z.string().optional(),
  total_time: z.number().optional(),
  total_time_str: z.string().optional(),
  num_gpus: z.number().optional(),
  kimg: z.number().optional(),
  snapshot_ckpt: z.string().nullable().optional(),
  snapshot_pkl: z.string().nullable().optional(),
  timestamp: z.number().optional(),
});
export type MetricRecord = z.infer<typeof MetricRecordSchema>;
