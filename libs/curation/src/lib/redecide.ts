import { DETECTOR_KINDS } from '@portrait-forge/face';
import type { Manifest } from '@portrait-forge/manifest';
import { decideAll, type DecideChange } from './decide';
import { defaultThresholds, mergeThresholds, type Thresholds } from './thresholds';

/** The thresholds of the last filter/decide run, so re-deciding with no change changes nothing. */
export function storedThresholds(manifest: Manifest): Thresholds {
  const last = [...manifest.runs()].reverse().find((r) => r.kind === 'decide' || r.kind === 'filter');
  const filterConfig = manifest.lastRun('filter')?.config ?? {};
  const size = Number(filterConfig['size'] ?? 256);
  const detector = DETECTOR_KINDS.find((k) => k === filterConfig['detector']);
  const defaults = defaultThresholds(size, detector);
  return last ? mergeThresholds(defaults, last.thresholds as Partial<Thresholds>) : defaults;
}

export interface RedecideResult {
  files: number;
  changes: DecideChange[];
  /** The `decide` run recorded, null for a dry run. */
  runId: number | null;
  ms: number;
}

/**
 * `curate decide`: re-decides every file from its stored scores (no image is read); unless dryRun,
 * stores the outcomes and records the thresholds as a `decide` run. Overrides are left alone.
 */
export function redecide(
  manifest: Manifest,
  thresholds: Thresholds,
  options: { dryRun?: boolean; config?: Record<string, unknown> } = {},
): RedecideResult {
  const t0 = performance.now();
  const inputs = manifest.decisionInputs();
  const { changes } = decideAll(inputs, thresholds);
  const ms = performance.now() - t0;
  if (options.dryRun) return { files: inputs.length, changes, runId: null, ms };
  const runId = manifest.startRun({
    kind: 'decide',
    inputRoot: null,
    config: options.config ?? {},
    thresholds: { ...thresholds },
    versions: {},
  });
  manifest.updateDecisions(changes.map((c) => ({ id: c.id, ...c.to })));
  manifest.endRun(runId, { files: inputs.length, changed: changes.length });
  return { files: inputs.length, changes, runId, ms };
}
