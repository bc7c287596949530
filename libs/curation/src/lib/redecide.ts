import type { Manifest } from '@portrait-forge/manifest';
import { writeDecisionsCsv } from './csv';
import { decideAll, type DecideChange } from './decide';
import type { Thresholds } from './thresholds';

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
  const t0 = performance.now();
  const total = manifest.fileCount();
  const changes: DecideChange[] = [];
  let files = 0;
  for (const batch of manifest.decisionInputBatches()) {
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
