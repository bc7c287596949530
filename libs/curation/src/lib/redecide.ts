import type { Manifest } from '@portrait-forge/manifest';
import { writeDecisionsCsv } from './csv';
import { decideAll, type DecideChange } from './decide';
import type { Thresholds } from './thresholds';

export interface RedecideResult {
  files: number;
  changes: DecideChange[];
  /** Time the rule took over every row (no image is read). */
  ms: number;
}

/**
 * The `decide` command: every decision recomputed from the stored raw scores. Unless `dryRun`, the
 * changes and a `decide` run row are stored and decisions.csv is rewritten.
 */
export function redecide(manifest: Manifest, thresholds: Thresholds, dryRun = false): RedecideResult {
  const t0 = performance.now();
  const inputs = manifest.decisionInputs();
  const { changes } = decideAll(inputs, thresholds);
  const ms = performance.now() - t0;
  if (!dryRun) {
    const run = manifest.startRun({
      kind: 'decide',
      inputRoot: null,
      config: {},
      thresholds: { ...thresholds },
      versions: {},
    });
    manifest.updateDecisions(changes.map((c) => ({ id: c.id, ...c.to })));
    manifest.endRun(run, { files: inputs.length, changed: changes.length });
    writeDecisionsCsv(manifest);
  }
  return { files: inputs.length, changes, ms };
}
