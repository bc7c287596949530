import type { Manifest } from '@portrait-forge/manifest';
import { writeDecisionsCsv } from './csv';
import { decideAll, type DecideChange } from './decide';
import { photoBrisqueProblem, type Thresholds } from './thresholds';

export interface RedecideResult {
  files: number;
  changes: DecideChange[];
  /** The `decide` run recorded, null for a dry run. */
  runId: number | null;
  /** Time the rule took over every row (no image is read). */
  ms: number;
}

export interface RedecideOptions {
  /** Only compute the changes; store nothing. */
  dryRun?: boolean;
  /** After each batch of files: how many are decided of how many. */
  onProgress?: (done: number, total: number) => void;
  /**
   * Dry runs only: re-decide just the files matching this SQL over the files columns, those the
   * caller knows can change (the review server's threshold preview); the others keep their outcome.
   */
  onlyWhere?: string;
}

/**
 * `curate decide` (and the review server's threshold change): re-decides every file from its stored
 * scores, a batch at a time (memory holds one batch and the changes, not 200 k rows); unless dryRun,
 * stores the outcomes, records the thresholds as a `decide` run and rewrites decisions.csv.
 * Overrides are left alone.
 */
export function redecide(
  manifest: Manifest,
  thresholds: Thresholds,
  options: RedecideOptions = {},
): RedecideResult {
  // Runs from before --photo-brisque always scored the whole photo (RUN_CONFIGS' default).
  const scored = manifest.lastRun('filter')?.config.photoBrisque ?? true;
  const unscored = photoBrisqueProblem(thresholds, scored);
  if (unscored) throw new Error(`${unscored} (re-run filter with it)`);
  const t0 = performance.now();
  const where = options.onlyWhere;
  if (where !== undefined && !options.dryRun) throw new Error('redecide: onlyWhere is for dry runs only');
  const total = manifest.fileCount(where);
  const changes: DecideChange[] = [];
  let files = 0;
  options.onProgress?.(0, total);
  for (const batch of manifest.decisionInputBatches(5000, where)) {
    changes.push(...decideAll(batch, thresholds).changes);
    files += batch.length;
    options.onProgress?.(files, total);
  }
  const ms = performance.now() - t0;
  if (options.dryRun) return { files, changes, runId: null, ms };
  const runId = manifest.startRun({
    kind: 'decide',
    inputRoot: null,
    config: {},
    thresholds: { ...thresholds },
    versions: {},
  });
  manifest.updateDecisions(changes.map((c) => ({ id: c.id, ...c.to })));
  manifest.endRun(runId, { files, changed: changes.length });
  writeDecisionsCsv(manifest);
  return { files, changes, runId, ms };
}
