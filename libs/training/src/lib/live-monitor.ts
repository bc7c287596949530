import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  FailureMonitor,
  formatAlert,
  metricPoints,
  toTraceRecord,
  withSnapshotMetrics,
  type Alert,
  type MonitorThresholds,
} from '@portrait-forge/metrics';
import {
  METRIC_FILE_RE,
  STATS_FILE,
  alertStatKey,
  metricTraceKey,
  type StatsRecord,
} from '@portrait-forge/run-format';
import type { SnapshotFigures } from './snapshot';

/**
 * The failure-mode rules (libs/metrics monitor, seeds 000/002) fed every tick: each stats.jsonl record
 * (plus the snapshot's figures as `Metrics/<name>`) goes in; active rules come back as `Alerts/<rule>`
 * keys of that record, newly raised ones as alerts to log with their remedy.
 */
export class LiveMonitor {
  private readonly monitor: FailureMonitor;

  constructor(thresholds: Partial<MonitorThresholds> = {}) {
    this.monitor = new FailureMonitor(thresholds);
  }

  /**
   * A resumed run's monitor: the run's stats.jsonl records up to the checkpoint's kimg, replayed with
   * their snapshot metrics (metric-*.jsonl), as the live run saw them — without the metrics, the
   * rules that compare recall or diversity with their best would start from nothing after a resume.
   */
  static replay(runDir: string, upToKimg: number, thresholds: Partial<MonitorThresholds> = {}): LiveMonitor {
    const live = new LiveMonitor(thresholds);
    const file = join(runDir, STATS_FILE);
    if (!existsSync(file)) return live;
    const lines = (path: string) =>
      readFileSync(path, 'utf8')
        .split('\n')
        .filter((line) => line.trim())
        .map((line) => JSON.parse(line) as Record<string, unknown>);
    const trace = lines(file).map(toTraceRecord);
    const metrics = readdirSync(runDir)
      .filter((name) => METRIC_FILE_RE.test(name))
      .flatMap((name) => lines(join(runDir, name)).flatMap(metricPoints));
    for (const record of withSnapshotMetrics(trace, metrics))
      if (record.kimg <= upToKimg) live.monitor.observe(record);
    return live;
  }

  /** Adds `Alerts/<rule>` = 1 to `record` for every active rule; returns the rules raised by this record. */
  observe(record: StatsRecord, figures: SnapshotFigures): Alert[] {
    const trace = toTraceRecord(record as unknown as Record<string, unknown>);
    for (const [name, value] of Object.entries(figures)) trace.values[metricTraceKey(name)] = value;
    const fresh = this.monitor.observe(trace);
    for (const rule of this.monitor.activeRules) record[alertStatKey(rule)] = { num: 1, mean: 1, std: 0 };
    return fresh;
  }
}

/** The log.txt lines of an alert: what fired, the evidence, the seed's remedy. */
export const alertLines = (alert: Alert): string[] => formatAlert(alert).split('\n');
