import { effectiveDecision, notKeptReasons, type Manifest, type StoredFile } from '@portrait-forge/manifest';
import { writeFileAtomic } from '@portrait-forge/files';
import { dirname, join } from 'node:path';

/** Beside manifest.sqlite; rewritten by every command that changes a decision (writeDecisionsCsv). */
export const DECISIONS_FILE = 'decisions.csv';

export const DECISIONS_CSV_HEADER = [
  'file',
  'decision',
  'reasons',
  'faces',
  'roll',
  'yaw',
  'brisque',
  'face_brisque',
  'symmetry',
  'face_size',
  'symmetry_backend',
  'override',
  'duplicate_of',
  'error',
] as const;

function cell(value: string | number | null): string {
  if (value === null) return '';
  const text = typeof value === 'number' ? String(Math.round(value * 1e4) / 1e4) : value;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * decisions.csv: one row per file sorted by path; `decision` is the effective one (keep exactly
 * when the file is kept: isKept), reasons `;`-joined with why a kept decision is not kept, then the raw scores.
 */
export function decisionsCsv(files: StoredFile[]): string {
  const byId = new Map(files.map((f) => [f.id, f.path]));
  const rows = [...files]
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    .map((f) =>
      [
        f.path,
        effectiveDecision(f),
        [...f.reasons, ...notKeptReasons(f)].join(';'),
        f.scores.faceCount,
        f.scores.roll,
        f.scores.yaw,
        f.scores.brisque,
        f.scores.faceBrisque,
        f.scores.symmetry,
        f.scores.faceSize,
        f.scores.symmetryBackend,
        f.override,
        f.duplicateOf !== null ? (byId.get(f.duplicateOf) ?? null) : null,
        f.decodeError,
      ]
        .map(cell)
        .join(','),
    );
  return [DECISIONS_CSV_HEADER.join(','), ...rows].join('\n') + '\n';
}

/**
 * Rewrites decisions.csv beside the manifest from its current rows, atomically (libs/files): a reader
 * or a killed run sees the old file or the new one, never half of one.
 */
export function writeDecisionsCsv(
  manifest: Manifest,
  files: StoredFile[] = manifest.files({ faces: false }),
): string {
  const path = join(dirname(manifest.file), DECISIONS_FILE);
  writeFileAtomic(path, decisionsCsv(files));
  return path;
}
