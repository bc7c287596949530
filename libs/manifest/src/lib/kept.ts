import type { Decision, StoredFile } from './types';

/** The fields "kept" depends on. */
export type KeptFacts = Pick<StoredFile, 'decision' | 'override' | 'duplicateOf' | 'alignedPath'>;

/**
 * "Kept" = trained on and exported: the review override wins over the decision, and the file must
 * not be a duplicate and must have an aligned crop. Each condition is written here once in SQL (for
 * the `kept` view) and once in TypeScript, side by side; manifest.spec checks that they agree.
 */
const KEPT_CONDITIONS: ReadonlyArray<{ sql: string; holds: (f: KeptFacts) => boolean }> = [
  { sql: `COALESCE(override, decision) = 'keep'`, holds: (f) => (f.override ?? f.decision) === 'keep' },
  { sql: 'duplicate_of IS NULL', holds: (f) => f.duplicateOf === null },
  { sql: 'aligned_path IS NOT NULL', holds: (f) => f.alignedPath !== null },
];

/** The `kept` view's WHERE clause (schema.ts). */
export const KEPT_WHERE = KEPT_CONDITIONS.map((c) => c.sql).join(' AND ');

export const isKept = (f: KeptFacts): boolean => KEPT_CONDITIONS.every((c) => c.holds(f));

/** The decision that counts (report, CSV, summary): keep exactly when the file is kept. */
export const effectiveDecision = (f: KeptFacts): Decision => (isKept(f) ? 'keep' : 'reject');

/**
 * Why a file the decision or a review keeps is still not kept, as reasons to list beside the
 * decision's own: `duplicate` (dedupe linked it to a better copy), `no_aligned_crop`.
 */
export function notKeptReasons(f: KeptFacts): Array<'duplicate' | 'no_aligned_crop'> {
  const reasons: Array<'duplicate' | 'no_aligned_crop'> = [];
  if (f.duplicateOf !== null) reasons.push('duplicate');
  if ((f.override ?? f.decision) === 'keep' && f.alignedPath === null) reasons.push('no_aligned_crop');
  return reasons;
}
