import type { Decision } from '@portrait-forge/manifest';

export interface LabelRow {
  file: string;
  expected: Decision;
  category: string;
}

export interface Evaluation {
  /** category → counts of our decisions. */
  byCategory: Record<string, { n: number; keep: number; reject: number; recall: number }>;
  reject: { precision: number; recall: number; f1: number; tp: number; fp: number; fn: number };
  /** Labelled files the run has no row for. */
  missing: string[];
  /** Per-file disagreements, for inspection. */
  wrong: Array<{ file: string; category: string; got: Decision; reasons: string }>;
}

/** Parses labels.csv (`file,expected,category`). */
export function parseLabels(csv: string): LabelRow[] {
  const [header, ...lines] = csv.trim().split(/\r?\n/);
  if (header.replace(/\s/g, '') !== 'file,expected,category')
    throw new Error(`labels header must be file,expected,category, got "${header}"`);
  return lines.map((line) => {
    const [file, expected, category] = line.split(',');
    if (expected !== 'keep' && expected !== 'reject')
      throw new Error(`labels: bad expected "${expected}" for ${file}`);
    return { file, expected, category };
  });
}

/** Confusion by category and reject-class precision/recall/F1 of our decisions against labels. */
export function evaluate(
  labels: LabelRow[],
  decisions: Map<string, { decision: Decision; reasons: string }>,
): Evaluation {
  const byCategory: Evaluation['byCategory'] = {};
  const missing: string[] = [];
  const wrong: Evaluation['wrong'] = [];
  let tp = 0,
    fp = 0,
    fn = 0;
  for (const label of labels) {
    const got = decisions.get(label.file);
    if (!got) {
      missing.push(label.file);
      continue;
    }
    const c = (byCategory[label.category] ??= { n: 0, keep: 0, reject: 0, recall: 0 });
    c.n++;
    c[got.decision]++;
    if (got.decision !== label.expected)
      wrong.push({ file: label.file, category: label.category, got: got.decision, reasons: got.reasons });
    if (label.expected === 'reject' && got.decision === 'reject') tp++;
    if (label.expected === 'keep' && got.decision === 'reject') fp++;
    if (label.expected === 'reject' && got.decision === 'keep') fn++;
  }
  for (const [category, c] of Object.entries(byCategory)) {
    c.recall = (category === 'keep' ? c.keep : c.reject) / c.n;
  }
  const precision = tp / (tp + fp || 1);
  const recall = tp / (tp + fn || 1);
  return {
    byCategory,
    reject: { precision, recall, f1: (2 * precision * recall) / (precision + recall || 1), tp, fp, fn },
    missing,
    wrong,
  };
}

/** The confusion table as text (one row per category; "recall" = share decided as labelled). */
export function formatEvaluation(e: Evaluation): string {
  const rows = Object.entries(e.byCategory).sort(([a], [b]) =>
    a === 'keep' ? -1 : b === 'keep' ? 1 : a.localeCompare(b),
  );
  const lines = [
    'category   n   kept  rejected  recall',
    ...rows.map(
      ([cat, c]) =>
        `${cat.padEnd(9)} ${String(c.n).padStart(3)} ${String(c.keep).padStart(6)} ${String(c.reject).padStart(9)}  ${c.recall.toFixed(3)}`,
    ),
  ];
  const r = e.reject;
  lines.push(
    `reject: precision ${r.precision.toFixed(3)}  recall ${r.recall.toFixed(3)}  F1 ${r.f1.toFixed(3)}  (tp ${r.tp}, fp ${r.fp}, fn ${r.fn})`,
  );
  if (e.missing.length) lines.push(`missing from the run: ${e.missing.join(', ')}`);
  return lines.join('\n');
}
