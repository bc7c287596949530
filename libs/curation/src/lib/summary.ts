import { effectiveDecision, notKeptReasons, type StoredFile } from '@portrait-forge/manifest';

export interface Summary {
  total: number;
  /** Files kept (isKept: trained on and exported). */
  kept: number;
  rejected: number;
  /** Files per reason (a file with two reasons counts under both). */
  byReason: Record<string, number>;
}

export function summarise(files: StoredFile[]): Summary {
  const byReason: Record<string, number> = {};
  let kept = 0;
  for (const f of files) {
    if (effectiveDecision(f) === 'keep') kept++;
    const reasons = [...f.reasons, ...notKeptReasons(f), ...(f.override ? [`override_${f.override}`] : [])];
    for (const r of reasons) byReason[r] = (byReason[r] ?? 0) + 1;
  }
  return { total: files.length, kept, rejected: files.length - kept, byReason };
}

/** A plain aligned text table for the terminal. */
export function formatTable(rows: Array<[string, string | number]>): string {
  const width = Math.max(...rows.map(([k]) => k.length));
  const valueWidth = Math.max(...rows.map(([, v]) => String(v).length));
  return rows.map(([k, v]) => `  ${k.padEnd(width)}  ${String(v).padStart(valueWidth)}`).join('\n');
}

export function formatSummary(summary: Summary): string {
  const reasons = Object.entries(summary.byReason).sort((a, b) => b[1] - a[1]);
  return formatTable([
    ['files', summary.total],
    ['kept', summary.kept],
    ['rejected', summary.rejected],
    ...reasons.map(([r, n]): [string, number] => [`  ${r}`, n]),
  ]);
}
