/**
 * Runs the full curation pipeline on ../shared/data/faces-dev with the default config (one config,
 * no per-file tuning) and prints the confusion table against labels.csv.
 *   npx tsx tools/scripts/curate-eval.ts [--workers N] [--out DIR] [--reuse]
 * --reuse re-decides an existing run's manifest (no image work) instead of re-running filter.
 */
import {
  decideAll,
  defaultThresholds,
  evaluate,
  formatEvaluation,
  parseLabels,
  runFilter,
} from '@portrait-forge/curation';
import { effectiveDecision, Manifest } from '@portrait-forge/manifest';
import { sharedPath } from '@portrait-forge/test-support';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { workers: { type: 'string' }, out: { type: 'string' }, reuse: { type: 'boolean' } },
  });
  const input = sharedPath('data/faces-dev');
  const out = resolve(values.out ?? 'data/curate-eval');
  const thresholds = defaultThresholds(256);
  if (!values.reuse) {
    const result = await runFilter({
      input,
      out,
      size: 256,
      workers: values.workers ? Number(values.workers) : undefined,
      thresholds,
      onProgress: (done, total) => done % 20 === 0 && process.stderr.write(`  ${done}/${total}\n`),
    });
    process.stdout.write(
      `filter: ${result.analysed} images in ${(result.elapsedMs / 1000).toFixed(1)} s; backends ${JSON.stringify(result.backends)}\n`,
    );
  }
  const manifest = Manifest.open(join(out, 'manifest.sqlite'));
  const { outcomes } = decideAll(manifest.decisionInputs(), thresholds);
  manifest.updateDecisions(outcomes);
  const files = manifest.files();
  manifest.close();
  const decisions = new Map(
    files.map((f) => [f.path, { decision: effectiveDecision(f), reasons: f.reasons.join(';') }]),
  );
  const evaluation = evaluate(parseLabels(readFileSync(join(input, 'labels.csv'), 'utf8')), decisions);
  process.stdout.write(
    `thresholds: ${JSON.stringify(thresholds)}\n\n${formatEvaluation(evaluation)}\n\nwrong:\n`,
  );
  for (const w of evaluation.wrong)
    process.stdout.write(`  ${w.file} (${w.category}) → ${w.got} ${w.reasons}\n`);
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : err}\n`);
  process.exit(1);
});
