import { z } from 'zod';
import type { PhaseStats } from '@portrait-forge/stylegan2';
import {
  STAT,
  type AlertStatKey,
  type StatKey,
  type StatsRecord,
  type StatSummary,
} from '@portrait-forge/run-format';
import type { TickFigures } from './progress';

type RecordKey = StatKey | AlertStatKey;

/** The running sums of one key; checkpointed so a run resumed mid-tick logs the tick it would have. */
export const StatSumsSchema = z.object({ n: z.number(), s: z.number(), s2: z.number(), bad: z.number() });
export type StatSums = z.infer<typeof StatSumsSchema>;

/**
 * Running statistics in SG2-ADA's stats.jsonl form: {num, mean, std} per key over a tick. A non-finite
 * value is kept, not dropped: it makes the key's mean NaN (null in JSON, as SG2-ADA's sum would be NaN)
 * and is counted in the key's `nonfinite` and in Progress/nonfinite.
 */
export class StatCollector {
  private readonly sums = new Map<RecordKey, StatSums>();

  /** The tick so far, for the checkpoint. */
  state(): Record<string, StatSums> {
    return Object.fromEntries([...this.sums].map(([k, e]) => [k, { ...e }]));
  }

  restore(state: Record<string, StatSums>): void {
    this.sums.clear();
    for (const [k, e] of Object.entries(state)) this.sums.set(k as RecordKey, { ...e });
  }

  report(name: RecordKey, value: number | undefined): void {
    if (value === undefined) return;
    const e = this.sums.get(name) ?? { n: 0, s: 0, s2: 0, bad: 0 };
    if (Number.isFinite(value)) {
      e.n += 1;
      e.s += value;
      e.s2 += value * value;
    } else e.bad += 1;
    this.sums.set(name, e);
  }

  /** The tick's mean so far; NaN when a value was non-finite. */
  mean(name: RecordKey): number | undefined {
    const e = this.sums.get(name);
    if (!e) return undefined;
    return e.bad ? Number.NaN : e.s / e.n;
  }

  /** Returns {name: {num, mean, std[, nonfinite]}} (names sorted) plus Progress/nonfinite, and resets. */
  flush(): Partial<Record<RecordKey, StatSummary>> {
    const out: Partial<Record<RecordKey, StatSummary>> = {};
    let bad = 0;
    for (const e of this.sums.values()) bad += e.bad;
    if (bad) this.report(STAT.nonFinite, bad);
    for (const [name, e] of [...this.sums].sort(([a], [b]) => (a < b ? -1 : 1))) out[name] = summarise(e);
    this.sums.clear();
    return out;
  }
}

function summarise({ n, s, s2, bad }: StatSums): StatSummary {
  if (bad) return { num: n + bad, mean: null, std: null, nonfinite: bad };
  const mean = s / n;
  return { num: n, mean, std: Math.sqrt(Math.max(s2 / n - mean * mean, 0)) };
}

/** The statistics of one training phase, under their stats.jsonl names. */
export function reportPhase(stats: StatCollector, s: PhaseStats): void {
  stats.report(STAT.scoresFake, s.scoresFake);
  stats.report(STAT.scoresReal, s.scoresReal);
  stats.report(STAT.signsReal, s.signsReal);
  stats.report(STAT.gLoss, s.gLoss);
  stats.report(STAT.dLoss, s.dLoss);
  stats.report(STAT.r1Penalty, s.r1Penalty);
  stats.report(STAT.plPenalty, s.plPenalty);
  stats.report(STAT.gGradNorm, s.gradNorm);
}

/** Reports the tick's progress, timing and resources and returns the stats.jsonl record (collector reset). */
export function tickRecord(
  stats: StatCollector,
  f: TickFigures,
  schedule: { lrScale: number; gLr: number; dLr: number; r1Gamma: number },
  timestamp: number,
): StatsRecord {
  stats.report(STAT.tick, f.tick);
  stats.report(STAT.kimg, f.kimg);
  stats.report(STAT.augment, f.augmentP);
  stats.report(STAT.lrScale, schedule.lrScale);
  stats.report(STAT.gLr, schedule.gLr);
  stats.report(STAT.dLr, schedule.dLr);
  stats.report(STAT.r1Gamma, schedule.r1Gamma);
  stats.report(STAT.totalSec, f.totalSec);
  stats.report(STAT.secPerTick, f.secPerTick);
  stats.report(STAT.secPerKimg, f.secPerKimg);
  stats.report(STAT.totalHours, f.totalSec / 3600);
  stats.report(STAT.totalDays, f.totalSec / 86400);
  stats.report(STAT.cpuMemGb, f.rssGb);
  stats.report(STAT.numTensors, f.tensors);
  return { ...stats.flush(), timestamp };
}
