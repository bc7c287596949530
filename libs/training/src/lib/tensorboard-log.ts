import { EventFileWriter } from '@portrait-forge/tensorboard';
import { metricTraceKey, type StatsRecord } from '@portrait-forge/run-format';

/** One event file per run dir and process (a resumed run starts a new file beside the old ones). */
const writers = new Map<string, EventFileWriter>();

function writerFor(runDir: string): EventFileWriter {
  let writer = writers.get(runDir);
  if (!writer) {
    writer = new EventFileWriter(runDir);
    writers.set(runDir, writer);
  }
  return writer;
}

/**
 * The tick's stats as SG2-ADA's training loop logs them (each key's mean, `Metrics/<name>` for
 * snapshot figures). Step = images shown, not SG2-ADA's int(kimg): CPU ticks are often under 1 kimg.
 */
export function logTickScalars(runDir: string, record: StatsRecord, curNimg: number): void {
  const values: Record<string, number> = {};
  for (const [key, summary] of Object.entries(record)) {
    if (typeof summary === 'object' && summary !== null && summary.mean !== null) values[key] = summary.mean;
  }
  writerFor(runDir).writeScalars(curNimg, values, record.timestamp);
}

export function logMetricScalars(runDir: string, figures: Record<string, number>, curNimg: number): void {
  const values = Object.fromEntries(Object.entries(figures).map(([k, v]) => [metricTraceKey(k), v]));
  writerFor(runDir).writeScalars(curNimg, values);
}
