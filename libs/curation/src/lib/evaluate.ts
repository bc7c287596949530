import type { Decision } from '@portrait-forge/manifest';

/** `either` rows are borderline cases (faces-wild-dev): listed, never scored. */
export type Expected = Decision | 'either';

export interface LabelRow {
  file: string;
  expected: Expected;
  category: string;
  /** What the labeller saw (faces-wild-dev's 4th column); empty when the set has none. */
  note: string;
}

export interface Evaluation {
  /** category → counts of our decisions (scored rows only). */
  byCategory: Record<string, { n: number; keep: number; reject: number; recall: number }>;
  reject: { precision: number; recall: number; f1: number; tp: number; fp: number; fn: number };
  /** Share of `keep`-labelled files we kept. */
  keepRecall: number;
  /** `either` rows: what we decided, for inspection only. */
  notScored: Array<{ file: string; got: Decision; reasons: string }>;
  /** Labelled files the run has no row for. */
  missing: string[];
  /** Per-file disagreements, for inspection. */
  wrong: Array<{ file: string; category: string; got: Decision; reasons: string; note: string }>;
}

/** One CSV line into fields (RFC 4180 quoting: `"a, b"`, `""` for a quote). */
function csvFields(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      fields.push(field);
      field = '';
    } else field += ch;
  }
  fields.push(field);
  return fields;
}

const HEADERS = ['file,expected,category', 'file,expected,category,note'];

/**
 * Parses labels.csv: faces-dev's `file,expected,category` or faces-wild-dev's
 * `file,expected,category,note` (quoted notes; expected keep | reject | either).
 */
export function parseLabels(csv: string, source = 'labels.csv'): LabelRow[] {
  const [header, ...lines] = csv.trim().split(/\r?\n/);
  if (!HEADERS.includes(header.replace(/\s/g, '')))
    throw new Error(`${source}: header must be ${HEADERS.join(' or ')}, got "${header}"`);
  return lines.map((line, i) => {
    const [file, expected, category, note = ''] = csvFields(line).map((s) => s.trim());
    if (expected !== 'keep' && expected !== 'reject' && expected !== 'either')
      throw new Error(
        `${source}:${i + 2}: expected must be keep, reject or either, got "${expected}" for ${file}`,
      );
    if (!file || !category)
      throw new Error(`${source}:${i + 2}: file and category are required, got "${line}"`);
    return { file, expected, category, note };
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
  const notScored: Evaluation['notScored'] = [];
  let tp = 0,
    fp = 0,
    fn = 0;
  for (const label of labels) {
    const got = decisions.get(label.file);
    if (!got) {
      missing.push(label.file);
      continue;
    }
    if (label.expected === 'either') {
      notScored.push({ file: label.file, got: got.decision, reasons: got.reasons });
      continue;
    }
    const c = (byCategory[label.category] ??= { n: 0, keep: 0, reject: 0, recall: 0 });
    c.n++;
    c[got.decision]++;
    if (got.decision !== label.expected)
      wrong.push({
        file: label.file,
        category: label.category,
        got: got.decision,
        reasons: got.reasons,
        note: label.note,
      });
    if (label.expected === 'reject' && got.decision === 'reject') tp++;
    if (label.expected === 'keep' && got.decision === 'reject') fp++;
    if (label.expected === 'reject' && got.decision === 'keep') fn++;
  }
  let keptKeeps = 0;
  let keeps = 0;
  for (const [category, c] of Object.entries(byCategory)) {
    c.recall = (category === 'keep' ? c.keep : c.reject) / c.n;
    if (category === 'keep') [keptKeeps, keeps] = [c.keep, c.n];
  }
  const precision = tp / (tp + fp || 1);
  const recall = tp / (tp + fn || 1);
  return {
    byCategory,
    reject: { precision, recall, f1: (2 * precision * recall) / (precision + recall || 1), tp, fp, fn },
    keepRecall: keeps ? keptKeeps / keeps : 0,
    notScored,
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
    `reject: precision ${r.precision.toFixed(3)}  recall ${r.recall.toFixed(3)}  F1 ${r.f1.toFixed(3)}  (tp ${r.tp}, fp ${r.fp}, fn ${r.fn}); keep recall ${e.keepRecall.toFixed(3)}`,
  );
  if (e.notScored.length) {
    const kept = e.notScored.filter((n) => n.got === 'keep').length;
    lines.push(`either (not scored): ${e.notScored.length} files, ${kept} kept`);
  }
  if (e.missing.length) lines.push(`missing from the run: ${e.missing.join(', ')}`);
  return lines.join('\n');
}
