/**
 * Child-process entry of RedecideJobs: re-decides every file from its stored scores with the given
 * thresholds (the curation lib's batched `redecide`, as `curate decide` does), apart from the server
 * so that a 200 k-row pass neither blocks its event loop nor stays in its heap. A preview stores
 * nothing; an apply stores the outcomes, records the `decide` run and rewrites decisions.csv.
 * Usage: fork(redecide-child.ts, [MANIFEST, preview|apply, THRESHOLDS_JSON, CANDIDATES_SQL?]) with IPC.
 */
import { redecide, type DecisionOutcome, type Thresholds } from '@portrait-forge/curation/decide';
import { lockManifest, Manifest, ManifestLockedError } from '@portrait-forge/manifest';
import type { RedecideMessage } from './redecide-jobs';

const [manifestFile, mode, json, onlyWhere] = process.argv.slice(2);
const send = (message: RedecideMessage) =>
  new Promise<void>((done) => (process.send ? process.send(message, () => done()) : done()));

// The server checked the thresholds (mergeThresholds) before starting this child.
const thresholds = JSON.parse(json) as Thresholds;
// An apply is a writer like `curate decide`: it takes the manifest's lock, so it never interleaves with
// a filter; the parent shows this stderr line when the child exits 1.
let lock: ReturnType<typeof lockManifest> | null = null;
try {
  if (mode !== 'preview') lock = lockManifest(manifestFile, 'review apply');
} catch (err) {
  process.stderr.write(`${err instanceof ManifestLockedError ? err.message : String(err)}\n`);
  process.exit(1);
}
const manifest = Manifest.open(manifestFile, { readonly: mode === 'preview' });
let reported = 0;
// Only the flips travel back (the parent pages through them); the other changes are counted.
const flips: Array<{ id: number } & DecisionOutcome> = [];
const result = redecide(manifest, thresholds, {
  dryRun: mode === 'preview',
  onlyWhere: onlyWhere || undefined,
  onProgress: (done, total) => {
    if (done > 0 && done - reported < 20_000 && done < total) return;
    reported = done;
    void send({ kind: 'progress', done, total });
  },
  onChanges: (changes) => {
    for (const c of changes) if (c.from.decision !== c.to.decision) flips.push({ id: c.id, ...c.to });
  },
});
manifest.close();
lock?.release();
void send({
  kind: 'done',
  files: result.files,
  changed: result.changed,
  runId: result.runId,
  flips,
}).then(() => process.exit(0));
