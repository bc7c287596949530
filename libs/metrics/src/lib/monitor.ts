/**
 * Failure-mode monitor: pure rules over the training trace (SG2-ADA stats.jsonl records plus
 * metric results). Each rule returns a named alert with the evidence it saw and a remedy taken
 * from the seed write-ups (000: failure modes/tests/configs; 002: how to identify GAN failures).
 */

import { MetricRecordSchema, SNAPSHOT_METRIC, STAT, metricTraceKey } from '@portrait-forge/run-format';

export type AlertName =
  | 'divergence'
  | 'vanishing-gradients'
  | 'd-overfitting'
  | 'convergence-failure'
  | 'mode-collapse';

export interface Alert {
  name: AlertName;
  /** kimg of the record that triggered it. */
  kimg: number;
  message: string;
  evidence: string[];
  suggestion: string;
}

/** One point of the trace: kimg plus flat numeric values keyed as in stats.jsonl (and `Metrics/<name>`). */
export interface TraceRecord {
  kimg: number;
  values: Record<string, number>;
}

/**
 * The trace keys the rules read: stats.jsonl statistics and snapshot metrics, named by the run-format
 * contract the trainer writes with (issue 18 feeds the snapshot metrics in live).
 */
export const STAT_KEYS = {
  gLoss: STAT.gLoss,
  dLoss: STAT.dLoss,
  r1: STAT.r1Penalty,
  kimg: STAT.kimg,
  augment: STAT.augment,
  /** ADA's overfitting heuristic r_t = E[sign(D(real))] (SG2-ADA logs it as Loss/signs/real). */
  rt: STAT.signsReal,
  gGradNorm: STAT.gGradNorm,
  scoresReal: STAT.scoresReal,
  scoresFake: STAT.scoresFake,
  precision: metricTraceKey(SNAPSHOT_METRIC.precision),
  recall: metricTraceKey(SNAPSHOT_METRIC.recall),
  ndbOverK: metricTraceKey(SNAPSHOT_METRIC.ndbOverK),
  gridDiversity: metricTraceKey(SNAPSHOT_METRIC.gridDiversity),
} as const;

export interface MonitorThresholds {
  /** Records averaged for the loss rules. */
  window: number;
  /** Loss blow-up: |loss| above this × the median of the earlier trace… */
  blowUpFactor: number;
  /** …and above this absolute value. */
  blowUpMin: number;
  /** D loss (softplus, equilibrium ≈ 2 ln 2 ≈ 1.39) below this = D wins outright. */
  dLossFloor: number;
  /** G gradient norm below this fraction of its early median = vanished. */
  gradCollapseRatio: number;
  /** r_t above this (ADA targets 0.6) = D overfits. */
  rtCeiling: number;
  /** ADA p at/above this = augmentation saturated and D still overfits. */
  augmentCeiling: number;
  /** Mean D(real) − D(fake) logit gap above this… */
  logitGapMin: number;
  /** …and above this × its early median = the logits drift apart (D memorises the reals). */
  logitGapGrowth: number;
  /** Precision and recall both below this fraction of their best (seed 000: "both decreasing")… */
  prDropRatio: number;
  /** …while the recent D loss is below this fraction of its early median ("quickly falling"). */
  dLossDropRatio: number;
  /** Grid diversity below this fraction of its best value = collapse. */
  diversityCollapseRatio: number;
  /** Recall below this fraction of its best value… */
  recallDropRatio: number;
  /**
   * …and at least this far below it: recall from a few hundred metric images is a binomial count
   * (standard error ≈ 0.015 at 0.05 with 200), so a fall from near 0 to 0 is noise (a healthy 32²
   * smoke run went 0.015 → 0 and was flagged).
   */
  recallDropMin: number;
  /** …while NDB/K rose by at least this much over its best value. */
  ndbRise: number;
}

export const DEFAULT_THRESHOLDS: MonitorThresholds = {
  window: 5,
  blowUpFactor: 10,
  blowUpMin: 5,
  dLossFloor: 0.05,
  gradCollapseRatio: 0.05,
  rtCeiling: 0.8,
  augmentCeiling: 0.8,
  logitGapMin: 4,
  logitGapGrowth: 2,
  prDropRatio: 0.8,
  dLossDropRatio: 0.5,
  diversityCollapseRatio: 0.25,
  recallDropRatio: 0.5,
  recallDropMin: 0.05,
  ndbRise: 0.2,
};

export const SUGGESTIONS: Record<AlertName, string> = {
  divergence:
    'Lower the learning rate (seed 002: a high lr is the most common cause of non-convergence; seed 000 saw 0.001 work where 0.002 failed), raise R1 gamma, and resume from the last snapshot before the blow-up.',
  'vanishing-gradients':
    'D wins outright and G gets no signal: enable ADA or add noise to D input (seed 000), lower the learning rate, raise R1 gamma (seed 000: 10 for FFHQ-like faces, up to 100 for CARS-like data).',
  'd-overfitting':
    'D overfits the training set: enable ADA (--aug=ada, target r_t 0.6), add x-flips (--mirror=1), use more (clean) data, or raise R1 gamma.',
  'convergence-failure':
    'Precision and recall fall while D loss drops fast (seed 000: a convergence failure): add noise to D input (augmentation: --aug=ada or diffaug), decrease the learning rate (seed 000: 0.001 instead of 0.002), raise R1 gamma, and resume from the snapshot with the best precision/recall.',
  'mode-collapse':
    'G covers a shrinking part of the data: lower the learning rate, keep the latent space large (seed 002), raise R1 gamma / enable ADA, and resume from the snapshot with the best recall.',
};

/** Accepts an SG2-ADA stats.jsonl line ({key: {num, mean, std}}) or a flat {key: number} object. */
export function toTraceRecord(json: Record<string, unknown>): TraceRecord {
  const values: Record<string, number> = {};
  for (const [key, value] of Object.entries(json)) {
    if (typeof value === 'number') values[key] = value;
    else if (value === null && key.includes('/'))
      values[key] = NaN; // JSON has no NaN: serialisers emit null
    else if (value && typeof value === 'object' && 'mean' in value) {
      const mean = (value as { mean: unknown }).mean;
      values[key] = typeof mean === 'number' ? mean : NaN;
    }
  }
  const kimg = values[STAT_KEYS.kimg] ?? values['kimg'];
  if (kimg === undefined)
    throw new Error(`stats record has no ${STAT_KEYS.kimg}: ${JSON.stringify(json).slice(0, 200)}`);
  return { kimg, values };
}

/** One snapshot metric result (a metric-*.jsonl line). */
export interface MetricPoint {
  metric: string;
  kimg: number;
  value: number;
}

/** SG2-ADA metric-*.jsonl line: {results: {fid50k_full: 3.1}, snapshot_pkl: 'network-snapshot-000200.pkl'} (or a `kimg` field). */
export function metricPoints(json: Record<string, unknown>): MetricPoint[] {
  const parsed = MetricRecordSchema.safeParse(json);
  if (!parsed.success) return [];
  const record = parsed.data;
  const snapshot = record.snapshot_pkl ? /(\d+)\.\w+$/.exec(record.snapshot_pkl) : null;
  const kimg = record.kimg ?? (snapshot ? Number(snapshot[1]) : NaN);
  return Object.entries(record.results).map(([metric, value]) => ({ metric, kimg, value }));
}

/**
 * The monitor's trace of a run: the stats.jsonl records, each snapshot metric added as `Metrics/<name>`
 * to the record of its kimg (the tick that ended at the snapshot), or as a record of its own.
 */
export function withSnapshotMetrics(trace: TraceRecord[], metrics: MetricPoint[]): TraceRecord[] {
  const out = trace.map((r) => ({ kimg: r.kimg, values: { ...r.values } }));
  for (const m of metrics) {
    const record = out.find((r) => r.kimg === m.kimg);
    if (record) record.values[metricTraceKey(m.metric)] = m.value;
    else out.push({ kimg: m.kimg, values: { [metricTraceKey(m.metric)]: m.value } });
  }
  return out.sort((a, b) => a.kimg - b.kimg);
}

/** Alerts active at the end of `trace` (the trace is in training order). */
export function diagnose(trace: TraceRecord[], thresholds: Partial<MonitorThresholds> = {}): Alert[] {
  const t = { ...DEFAULT_THRESHOLDS, ...thresholds };
  if (trace.length === 0) return [];
  return [
    divergence(trace, t),
    vanishingGradients(trace, t),
    dOverfitting(trace, t),
    convergenceFailure(trace, t),
    modeCollapse(trace, t),
  ].filter((a): a is Alert => a !== undefined);
}

/**
 * Stateful wrapper for the trainer: feed records as they are logged; `observe` returns only alerts
 * that were not active on the previous record (rising edges), so log.txt is not flooded.
 */
export class FailureMonitor {
  private readonly trace: TraceRecord[] = [];
  private active = new Set<AlertName>();

  constructor(private readonly thresholds: Partial<MonitorThresholds> = {}) {}

  observe(record: TraceRecord): Alert[] {
    this.trace.push(record);
    const alerts = diagnose(this.trace, this.thresholds);
    const fresh = alerts.filter((a) => !this.active.has(a.name));
    this.active = new Set(alerts.map((a) => a.name));
    return fresh;
  }

  /** The rules active on the last record (what the trainer writes as `Alerts/<rule>`). */
  get activeRules(): AlertName[] {
    return [...this.active];
  }
}

export function formatAlert(alert: Alert): string {
  return [
    `ALERT ${alert.name} at kimg ${alert.kimg}: ${alert.message}`,
    ...alert.evidence.map((e) => `  evidence: ${e}`),
    `  suggestion: ${alert.suggestion}`,
  ].join('\n');
}

const LOSS_KEYS = [STAT_KEYS.gLoss, STAT_KEYS.dLoss, STAT_KEYS.r1];

function divergence(trace: TraceRecord[], t: MonitorThresholds): Alert | undefined {
  const last = trace[trace.length - 1];
  for (const key of LOSS_KEYS) {
    const value = last.values[key];
    if (value !== undefined && !Number.isFinite(value)) {
      return alert('divergence', last.kimg, `${key} is ${value}`, [`${key} = ${value} at kimg ${last.kimg}`]);
    }
  }
  if (trace.length < t.window * 2) return undefined;
  for (const key of LOSS_KEYS) {
    const history = series(trace.slice(0, -1), key).map(Math.abs);
    const value = last.values[key];
    if (value === undefined || history.length < t.window) continue;
    const typical = median(history);
    if (Math.abs(value) > t.blowUpMin && Math.abs(value) > t.blowUpFactor * typical) {
      return alert('divergence', last.kimg, `${key} blew up`, [
        `${key} = ${fmt(value)} at kimg ${last.kimg}, median |${key}| before = ${fmt(typical)} (×${fmt(Math.abs(value) / typical)})`,
      ]);
    }
  }
  return undefined;
}

function vanishingGradients(trace: TraceRecord[], t: MonitorThresholds): Alert | undefined {
  if (trace.length < t.window * 2) return undefined;
  const recent = trace.slice(-t.window);
  const dLoss = mean(series(recent, STAT_KEYS.dLoss));
  if (!(dLoss < t.dLossFloor)) return undefined;
  const last = trace[trace.length - 1];
  const evidence = [
    `mean ${STAT_KEYS.dLoss} over the last ${t.window} records = ${fmt(dLoss)} (equilibrium ≈ 1.39)`,
  ];
  const grads = series(trace, STAT_KEYS.gGradNorm);
  if (grads.length >= t.window * 2) {
    const early = median(grads.slice(0, Math.ceil(grads.length / 2)));
    const late = mean(grads.slice(-t.window));
    if (!(late < t.gradCollapseRatio * early)) return undefined;
    evidence.push(`${STAT_KEYS.gGradNorm}: recent mean ${fmt(late)} vs early median ${fmt(early)}`);
  } else {
    const gLoss = series(trace, STAT_KEYS.gLoss);
    const early = median(gLoss.slice(0, Math.ceil(gLoss.length / 2)));
    const late = mean(gLoss.slice(-t.window));
    if (!(late > 2 * early)) return undefined;
    evidence.push(
      `${STAT_KEYS.gGradNorm} not logged; ${STAT_KEYS.gLoss} rose from ${fmt(early)} to ${fmt(late)}`,
    );
  }
  return alert(
    'vanishing-gradients',
    last.kimg,
    'the discriminator wins outright and G gradients vanish',
    evidence,
  );
}

function dOverfitting(trace: TraceRecord[], t: MonitorThresholds): Alert | undefined {
  const recent = trace.slice(-t.window);
  if (recent.length < t.window) return undefined;
  const last = trace[trace.length - 1];
  const rt = series(recent, STAT_KEYS.rt);
  if (rt.length === t.window && mean(rt) > t.rtCeiling) {
    const p = last.values[STAT_KEYS.augment];
    return alert('d-overfitting', last.kimg, 'D is overfitting the training set (ADA r_t high)', [
      `mean ${STAT_KEYS.rt} (r_t) over the last ${t.window} records = ${fmt(mean(rt))} > ${t.rtCeiling} (ADA target 0.6)`,
      p === undefined ? 'Progress/augment not logged (ADA off?)' : `${STAT_KEYS.augment} (ADA p) = ${fmt(p)}`,
    ]);
  }
  const drift = logitDrift(trace, t);
  if (drift) {
    const p = last.values[STAT_KEYS.augment];
    return alert(
      'd-overfitting',
      last.kimg,
      'D(real) and D(fake) logits drift apart: D is memorising the training set',
      [drift, p === undefined ? 'Progress/augment not logged' : `${STAT_KEYS.augment} (ADA p) = ${fmt(p)}`],
    );
  }
  const p = series(recent, STAT_KEYS.augment);
  if (p.length === t.window && Math.min(...p) >= t.augmentCeiling) {
    return alert('d-overfitting', last.kimg, 'ADA augmentation is saturated and D still overfits', [
      `${STAT_KEYS.augment} (ADA p) ≥ ${t.augmentCeiling} for the last ${t.window} records (latest ${fmt(p[p.length - 1])})`,
    ]);
  }
  return undefined;
}

/** D(real) and D(fake) logits drifting apart: the gap is large and has grown since early training. */
function logitDrift(trace: TraceRecord[], t: MonitorThresholds): string | undefined {
  const gaps = trace
    .filter(
      (r) => r.values[STAT_KEYS.scoresReal] !== undefined && r.values[STAT_KEYS.scoresFake] !== undefined,
    )
    .map((r) => r.values[STAT_KEYS.scoresReal] - r.values[STAT_KEYS.scoresFake]);
  if (gaps.length < t.window * 2) return undefined;
  const early = median(gaps.slice(0, Math.ceil(gaps.length / 2)));
  const late = mean(gaps.slice(-t.window));
  if (!(late > t.logitGapMin && late > t.logitGapGrowth * Math.max(early, 0))) return undefined;
  return `mean D(real) − D(fake) logit gap over the last ${t.window} records = ${fmt(late)} (early median ${fmt(early)}; ${STAT_KEYS.scoresReal} − ${STAT_KEYS.scoresFake})`;
}

/** Seed 000's rule: precision and recall both decreasing while the discriminator loss falls quickly. */
function convergenceFailure(trace: TraceRecord[], t: MonitorThresholds): Alert | undefined {
  const precision = points(trace, STAT_KEYS.precision);
  const recall = points(trace, STAT_KEYS.recall);
  const dLoss = series(trace, STAT_KEYS.dLoss);
  if (precision.length < 2 || recall.length < 2 || dLoss.length < t.window * 2) return undefined;
  const fell = (ps: { kimg: number; value: number }[]) => {
    const best = ps.reduce((a, b) => (b.value > a.value ? b : a));
    const now = ps[ps.length - 1];
    return now.kimg > best.kimg && now.value < t.prDropRatio * best.value ? { best, now } : undefined;
  };
  const p = fell(precision);
  const r = fell(recall);
  const early = median(dLoss.slice(0, Math.ceil(dLoss.length / 2)));
  const late = mean(dLoss.slice(-t.window));
  if (!p || !r || !(late < t.dLossDropRatio * early)) return undefined;
  const last = trace[trace.length - 1];
  return alert('convergence-failure', last.kimg, 'precision and recall fall while D loss drops fast', [
    `${STAT_KEYS.precision} fell to ${fmt(p.now.value)} from ${fmt(p.best.value)} (kimg ${p.best.kimg})`,
    `${STAT_KEYS.recall} fell to ${fmt(r.now.value)} from ${fmt(r.best.value)} (kimg ${r.best.kimg})`,
    `mean ${STAT_KEYS.dLoss} over the last ${t.window} records = ${fmt(late)}, early median ${fmt(early)}`,
  ]);
}

function modeCollapse(trace: TraceRecord[], t: MonitorThresholds): Alert | undefined {
  const last = trace[trace.length - 1];
  const evidence: string[] = [];
  const diversity = points(trace, STAT_KEYS.gridDiversity);
  if (diversity.length >= 2) {
    const best = Math.max(...diversity.map((p) => p.value));
    const now = diversity[diversity.length - 1];
    if (now.value < t.diversityCollapseRatio * best) {
      evidence.push(`${STAT_KEYS.gridDiversity} = ${fmt(now.value)} at kimg ${now.kimg}, best ${fmt(best)}`);
    }
  }
  const recall = points(trace, STAT_KEYS.recall);
  const ndb = points(trace, STAT_KEYS.ndbOverK);
  if (recall.length >= 2 && ndb.length >= 2) {
    const bestRecall = recall.reduce((a, b) => (b.value > a.value ? b : a));
    const bestNdb = Math.min(...ndb.map((p) => p.value));
    const nowRecall = recall[recall.length - 1].value;
    const nowNdb = ndb[ndb.length - 1].value;
    const fell =
      nowRecall < t.recallDropRatio * bestRecall.value && bestRecall.value - nowRecall >= t.recallDropMin;
    if (fell && nowNdb >= bestNdb + t.ndbRise) {
      evidence.push(
        `${STAT_KEYS.recall} fell to ${fmt(nowRecall)} from ${fmt(bestRecall.value)} (kimg ${bestRecall.kimg})`,
      );
      evidence.push(`${STAT_KEYS.ndbOverK} rose to ${fmt(nowNdb)} from ${fmt(bestNdb)}`);
    }
  }
  if (evidence.length === 0) return undefined;
  return alert('mode-collapse', last.kimg, 'the generator is collapsing onto a few modes', evidence);
}

function alert(name: AlertName, kimg: number, message: string, evidence: string[]): Alert {
  return { name, kimg, message, evidence, suggestion: SUGGESTIONS[name] };
}

function series(trace: TraceRecord[], key: string): number[] {
  return trace.map((r) => r.values[key]).filter((v): v is number => v !== undefined);
}

function points(trace: TraceRecord[], key: string): { kimg: number; value: number }[] {
  return trace
    .filter((r) => r.values[key] !== undefined)
    .map((r) => ({ kimg: r.kimg, value: r.values[key] }));
}

function mean(xs: number[]): number {
  return xs.length === 0 ? NaN : xs.reduce((s, x) => s + x, 0) / xs.length;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

function fmt(x: number): string {
  return Number.isFinite(x) ? x.toPrecision(3) : String(x);
}
