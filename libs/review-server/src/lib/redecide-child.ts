/**
 * Child-process entry of RedecideJobs: re-decides every file from its stored scores with the given
 * thresholds (the curation lib's batched `redecide`, as `curate decide` does), apart from the server
 * so that a 200 k-row pass neither blocks its event loop nor stays in its heap. A preview stores
 * nothing; an apply stores the outcomes, records the `decide` run and rewrites decisions.csv.
 * Usage: fork(redecide-child.ts, [MANIFEST, preview|apply, THRESHOLDS_JSON, CANDIDATES_SQL?]) with IPC.
 */
import { redecide, type Thresholds } from '@portrait-forge/curation/decide';
import { Manifest } from '@portrait-forge/manifest';
import type { RedecideMessage } from './redecide-jobs';

const [manifestFile, mode, json, onlyWhere] = process.argv.slice(2);
const send = (message: RedecideMessage) =>
  new Promise<void>((done) => (process.send ? process.send(message, () => done()) : done()));

// The server checked the thresholds (mergeThresholds) before starting this child.
const thresholds = JSON.parse(json) as Thresholds;
const manifest = Manifest.open(manifestFile, { readonly: mode === 'preview' });
let reported = 0;
const result = redecide(manifest, thresholds, {
  dryRun: mode === 'preview',
  onlyWhere: onlyWhere || undefined,
  onProgress: (done, total) => {
    if (done > 0 && done - reported < 20_000 && done < total) return;
    reported = done;
    void send({ kind: 'progress', done, total });
  },
});
manifest.close();
const flips = result.changes
  .filter((c) => c.from.decision !== c.to.decision)
  .map((c) => ({ id: c.id, ...c.to }));
void send({
  kind: 'done',
  files: result.files,
  changed: result.changes.length,
  runId: result.runId,
  flips,
}).then(() => process.exit(0));
