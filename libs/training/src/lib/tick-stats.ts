import type { PhaseStats } from '@portrait-forge/stylegan2';
import { STAT, type StatKey, type StatsRecord, type StatSummary } from '@portrait-forge/run-format';
import type { TickFigures } from './progress';

/** Running statistics in SG2-ADA's stats.jsonl form: {num, mean, std} per key over a tick. */
export class StatCollector {
  private readonly sums = new Map<StatKey, { n: number; s: number; s2: number }>();

  report(name: StatKey, value: number | undefined): void {
    if (value === undefined || !Number.isFinite(value)) return;
    const e = this.sums.get(name) ?? { n: 0, s: 0, s2: 0 };
    e.n += 1;
    e.s += value;
    e.s2 += value * value;
    this.sums.set(name, e);
  }

  mean(name: StatKey): number | undefined {
    const e = this.sums.get(name);
    return e && e.n ? e.s / e.n : undefined;
  }

  /** Returns {name: {num, mean, std}} (names sorted) and resets. */
  flush(): Partial<Record<StatKey, StatSummary>> {
    const out: Partial<Record<StatKey, StatSummary>> = {};
    for (const [name, { n, s, s2 }] of [...this.sums].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const mean = s / n;
      out[name] = { num: n, mean, std: Math.sqrt(Math.max(s2 / n - mean * mean, 0)) };
    }
    this.sums.clear();
    return out;
  }
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
  lrScale: number,
  timestamp: number,
): StatsRecord {
  stats.report(STAT.tick, f.tick);
  stats.report(STAT.kimg, f.kimg);
  stats.report(STAT.augment, f.augmentP);
  stats.report(STAT.lrScale, lrScale);
  stats.report(STAT.totalSec, f.totalSec);
  stats.report(STAT.secPerTick, f.secPerTick);
  stats.report(STAT.secPerKimg, f.secPerKimg);
  stats.report(STAT.totalHours, f.totalSec / 3600);
  stats.report(STAT.totalDays, f.totalSec / 86400);
  stats.report(STAT.cpuMemGb, f.rssGb);
  stats.report(STAT.numTensors, f.tensors);
  return { ...stats.flush(), timestamp };
}
