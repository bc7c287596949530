import type { Manifest } from '@portrait-forge/manifest';
import { writeDecisionsCsv } from './csv';
import { decideAll, type DecideChange } from './decide';
import { photoBrisqueProblem, type Thresholds } from './thresholds';

/**
 * Files per batch: small batches die young in V8's heap (the review server's apply at 200 k rows,
 * measured: 5000 peaked at 240 MB resident, 1000 at 209 MB, and ran faster).
 */
const BATCH = 1000;

export interface RedecideResult {
  files: number;
  /** Files whose outcome changed. */
  changed: number;
  /** Every change, unless options.onChanges took them batch by batch (then empty). */
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
   * Each batch's changes, handed over instead of collected in result.changes: a caller that only
   * needs counts or the flips keeps those, and memory holds one batch (200 k changes are ~100 MB).
   */
  onChanges?: (changes: DecideChange[]) => void;
  /**
   * Dry runs only: re-decide just the files matching this SQL over the files columns, those the
   * caller knows can change (the review server's threshold preview); the others keep their outcome.
   */
  onlyWhere?: string;
}

/**
 * `curate decide` (and the review server's threshold change): re-decides every file from its stored
 * scores, a batch at a time (memory holds one batch, not 200 k rows); unless dryRun, stores each
 * batch's outcomes and records the thresholds as a `decide` run, all in one transaction, then
 * rewrites decisions.csv. Overrides are left alone.
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
  const where = options.onlyWhere;
  if (where !== undefined && !options.dryRun) throw new Error('redecide: onlyWhere is for dry runs only');
  if (options.dryRun) return { ...decideBatches(manifest, thresholds, options), runId: null };
  const result = manifest.transaction(() => {
    const runId = manifest.startRun({
      kind: 'decide',
      inputRoot: null,
      config: {},
      thresholds: { ...thresholds },
      versions: {},
    });
    const store = (changes: DecideChange[]) =>
      manifest.updateDecisions(changes.map((c) => ({ id: c.id, ...c.to })));
    const decided = decideBatches(manifest, thresholds, options, store);
    manifest.endRun(runId, { files: decided.files, changed: decided.changed });
    return { ...decided, runId };
  });
  writeDecisionsCsv(manifest);
  return result;
}

/**
 * The batched pass: each batch's changes go to `store` (none for a dry run), then to onChanges or
 * into the result.
 */
function decideBatches(
  manifest: Manifest,
  thresholds: Thresholds,
  options: RedecideOptions,
  store?: (changes: DecideChange[]) => void,
): Omit<RedecideResult, 'runId'> {
  const total = manifest.fileCount(options.onlyWhere);
  const changes: DecideChange[] = [];
  let files = 0;
  let changed = 0;
  let ms = 0;
  options.onProgress?.(0, total);
  // ms counts reading and deciding each batch, not storing it.
  let t0 = performance.now();
  for (const batch of manifest.decisionInputBatches(BATCH, options.onlyWhere)) {
    const decided = decideAll(batch, thresholds).changes;
    ms += performance.now() - t0;
    store?.(decided);
    if (options.onChanges) options.onChanges(decided);
    else changes.push(...decided);
    files += batch.length;
    changed += decided.length;
    options.onProgress?.(files, total);
    t0 = performance.now();
  }
  return { files, changed, changes, ms };
}
