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

/**
 * `curate decide` (and the review server's threshold change): re-decides every file from its stored
 * scores; unless dryRun, stores the outcomes, records the thresholds as a `decide` run and rewrites
 * decisions.csv. Overrides are left alone.
 */
export function redecide(
  manifest: Manifest,
  thresholds: Thresholds,
  options: { dryRun?: boolean } = {},
): RedecideResult {
  // Runs from before --photo-brisque always scored the whole photo (RUN_CONFIGS' default).
  const scored = manifest.lastRun('filter')?.config.photoBrisque ?? true;
  const unscored = photoBrisqueProblem(thresholds, scored);
  if (unscored) throw new Error(`${unscored} (re-run filter with it)`);
  const t0 = performance.now();
  const inputs = manifest.decisionInputs();
  const { changes } = decideAll(inputs, thresholds);
  const ms = performance.now() - t0;
  if (options.dryRun) return { files: inputs.length, changes, runId: null, ms };
  const runId = manifest.startRun({
    kind: 'decide',
    inputRoot: null,
    config: {},
    thresholds: { ...thresholds },
    versions: {},
  });
  manifest.updateDecisions(changes.map((c) => ({ id: c.id, ...c.to })));
  manifest.endRun(runId, { files: inputs.length, changed: changes.length });
  writeDecisionsCsv(manifest);
  return { files: inputs.length, changes, runId, ms };
}
