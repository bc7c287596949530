import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FACE_REJECT_REASONS, type FaceRejectReason } from './decision';

/** One row of a labelled set such as faces-dev/labels.csv (file,expected,category). */
export interface LabelledImage {
  file: string;
  expected: 'keep' | 'reject';
  category: string;
}

export interface LabelledOutcome extends LabelledImage {
  reasons: readonly FaceRejectReason[];
}

export interface CategoryScore {
  category: string;
  expected: 'keep' | 'reject';
  images: number;
  kept: number;
  rejected: number;
  /** keep categories: kept / images; reject categories: rejected / images (recall). */
  rate: number;
  /** How many images carry each reason (an image may carry several). */
  reasons: Partial<Record<FaceRejectReason, number>>;
}

export const REASON_ORDER: readonly FaceRejectReason[] = FACE_REJECT_REASONS;

/**
 * Reads `labels.csv` from a labelled folder: header `file,expected,category` with an optional last
 * `note` column (faces-wild-dev). Only the first three fields are read, so a quoted note may hold
 * commas. Rows expected `either` (borderline, not scored) are left out.
 */
export function readLabels(dir: string): LabelledImage[] {
  const path = join(dir, 'labels.csv');
  const lines = readFileSync(path, 'utf8').trim().split(/\r?\n/);
  const header = lines[0]?.trim();
  if (header !== 'file,expected,category' && header !== 'file,expected,category,note') {
    throw new Error(`${path}: expected the header "file,expected,category[,note]", got "${lines[0]}"`);
  }
  const rows: LabelledImage[] = [];
  lines.slice(1).forEach((line, i) => {
    const [file, expected, category] = line.split(',', 3).map((s) => s.trim());
    if (expected === 'either') return;
    if (!file || (expected !== 'keep' && expected !== 'reject') || !category) {
      throw new Error(`${path}:${i + 2}: expected "file,keep|reject|either,category", got "${line}"`);
    }
    rows.push({ file, expected, category });
  });
  return rows;
}

/** Per-category keep/reject counts and reason counts, categories in first-seen order. */
export function scoreByCategory(outcomes: readonly LabelledOutcome[]): CategoryScore[] {
  const byCategory = new Map<string, CategoryScore>();
  for (const o of outcomes) {
    let score = byCategory.get(o.category);
    if (!score) {
      score = {
        category: o.category,
        expected: o.expected,
        images: 0,
        kept: 0,
        rejected: 0,
        rate: 0,
        reasons: {},
      };
      byCategory.set(o.category, score);
    }
    score.images++;
    if (o.reasons.length === 0) score.kept++;
    else score.rejected++;
    for (const r of o.reasons) score.reasons[r] = (score.reasons[r] ?? 0) + 1;
  }
  for (const s of byCategory.values()) s.rate = (s.expected === 'keep' ? s.kept : s.rejected) / s.images;
  return [...byCategory.values()];
}

/** The confusion table as aligned text (one row per category, one column per reason). */
export function formatScoreTable(scores: readonly CategoryScore[]): string {
  const header = ['category', 'n', 'kept', 'rejected', 'rate', ...REASON_ORDER];
  const rows = scores.map((s) => [
    s.category,
    String(s.images),
    String(s.kept),
    String(s.rejected),
    `${s.expected === 'keep' ? 'keep' : 'recall'} ${s.rate.toFixed(2)}`,
    ...REASON_ORDER.map((r) => String(s.reasons[r] ?? 0)),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}
