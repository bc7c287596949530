/**
 * What a run's failure-mode monitor said while it trained, read back from the run: the rising edges of
 * `Alerts/<rule>` in stats.jsonl (when and which rule), with the figures and remedy of the matching
 * `formatAlert` block in log.txt. Set beside a re-diagnosis with today's rules, so that a report tells
 * one story: what the run raised, and separately what the current rules would say.
 */

import { ALERT_STAT_RE, STAT } from '@portrait-forge/run-format';
import { formatAlert, SUGGESTIONS, type Alert, type AlertName, type TraceRecord } from './monitor';

/** An alert the run raised live. Older rule names stay strings; figures are absent when log.txt lacks them. */
export interface RecordedAlert {
  rule: string;
  /** `Progress/tick` of the record that raised it (null when the record has none). */
  tick: number | null;
  kimg: number;
  message: string | null;
  evidence: string[];
  suggestion: string | null;
}

const HEADER_RE = /^ALERT (\S+) at kimg (\S+): (.*)$/;
const EVIDENCE_PREFIX = '  evidence: ';
const SUGGESTION_PREFIX = '  suggestion: ';

/** The alerts in a log.txt, inverse of `formatAlert` (other lines are skipped). */
export function parseAlertLog(text: string): Alert[] {
  const alerts: Alert[] = [];
  let current: Alert | null = null;
  for (const line of text.split('\n')) {
    const header = HEADER_RE.exec(line);
    if (header) {
      current = {
        name: header[1] as AlertName,
        kimg: Number(header[2]),
        message: header[3],
        evidence: [],
        suggestion: '',
      };
      alerts.push(current);
    } else if (current && line.startsWith(EVIDENCE_PREFIX)) {
      current.evidence.push(line.slice(EVIDENCE_PREFIX.length));
    } else if (current && line.startsWith(SUGGESTION_PREFIX)) {
      current.suggestion = line.slice(SUGGESTION_PREFIX.length);
      current = null;
    } else {
      current = null;
    }
  }
  return alerts;
}

/** Same rule at the same kimg (kimg as logged: the record's Progress/kimg). */
export const sameAlert = (a: { rule: string; kimg: number }, b: { rule: string; kimg: number }): boolean =>
  a.rule === b.rule && Math.abs(a.kimg - b.kimg) < 1e-9;

/** Each rising edge of `Alerts/<rule>` in the trace, with its figures from the log's alerts. */
export function recordedAlerts(trace: TraceRecord[], logged: Alert[]): RecordedAlert[] {
  const out: RecordedAlert[] = [];
  let active = new Set<string>();
  for (const record of trace) {
    const now = new Set(
      Object.keys(record.values)
        .map((key) => ALERT_STAT_RE.exec(key)?.[1])
        .filter((rule): rule is string => rule !== undefined),
    );
    for (const rule of now) {
      if (active.has(rule)) continue;
      const kimg = record.kimg;
      const log = logged.find((a) => sameAlert({ rule: a.name, kimg: a.kimg }, { rule, kimg }));
      out.push({
        rule,
        tick: record.values[STAT.tick] ?? null,
        kimg,
        message: log?.message ?? null,
        evidence: log?.evidence ?? [],
        suggestion: log?.suggestion ?? SUGGESTIONS[rule as AlertName] ?? null,
      });
    }
    active = now;
  }
  return out;
}

/** The run's live alerts, and the re-diagnosis with today's rules only where it differs from them. */
export interface AlertStory {
  raised: RecordedAlert[];
  /** Alerts the current rules raise over the trace that the run did not raise (same rule and kimg). */
  onlyRediagnosed: Alert[];
  /** Live alerts the current rules no longer raise at that kimg. */
  notRediagnosed: RecordedAlert[];
}

export function alertStory(raised: RecordedAlert[], rediagnosed: Alert[]): AlertStory {
  const asKey = (a: Alert) => ({ rule: a.name, kimg: a.kimg });
  return {
    raised,
    onlyRediagnosed: rediagnosed.filter((a) => !raised.some((r) => sameAlert(r, asKey(a)))),
    notRediagnosed: raised.filter((r) => !rediagnosed.some((a) => sameAlert(r, asKey(a)))),
  };
}

/** A live alert as text: the log's block, prefixed with the tick; says so when the figures were not logged. */
export function formatRecordedAlert(alert: RecordedAlert): string {
  const tick = alert.tick === null ? '' : `tick ${alert.tick}, `;
  const lines = formatAlert({
    name: alert.rule as AlertName,
    kimg: alert.kimg,
    message: alert.message ?? '(no ALERT block for it in log.txt)',
    evidence: alert.evidence,
    suggestion: alert.suggestion ?? '(unknown rule: no remedy on record)',
  }).split('\n');
  return [`${tick}${lines[0]}`, ...lines.slice(1)].join('\n');
}
