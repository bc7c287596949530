/**
 * Runs the full curation pipeline on a labelled folder (faces-dev's or faces-wild-dev's labels.csv)
 * with the default config, prints the confusion table by category, and writes contact sheets of what
 * was kept (the aligned crops training gets) and rejected (thumbnails, one sheet per first reason).
 *   npx tsx tools/scripts/curate-eval.ts [--data DIR] [--workers N] [--out DIR] [--reuse] [--thresholds F]
 * --data defaults to ../shared/data/faces-dev; --out to data/curate-eval/<folder name>.
 * --reuse re-decides an existing run's manifest (no image work) instead of re-running filter;
 * --thresholds FILE.json overlays a thresholds patch on the defaults (for tuning with --reuse).
 */
import {
  decideAll,
  defaultThresholds,
  evaluateRun,
  formatEvaluation,
  mergeThresholds,
  parseThresholdsJson,
  runFilter,
} from '@portrait-forge/curation';
import type { LabelRow } from '@portrait-forge/image-io';
import { effectiveDecision, Manifest, type StoredFile } from '@portrait-forge/manifest';
import { sharedPath } from '@portrait-forge/test-support';
import { existsSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { writeContactSheet, type SheetTile } from './contact-sheet';

const USAGE = `Usage: npx tsx tools/scripts/curate-eval.ts [--data DIR] [--workers N] [--out DIR] [--reuse] [--thresholds F]
  --data DIR        labelled folder with labels.csv (default ../shared/data/faces-dev)
  --workers N       filter workers (default: the pipeline's)
  --out DIR         run folder (default data/curate-eval/<folder name>)
  --reuse           re-decide the existing run's manifest (no image work) instead of re-running filter
  --thresholds F    thresholds patch (JSON) over the defaults, for tuning with --reuse
Prints the confusion table by category and writes contact sheets (kept crops, rejects by first reason).
`;
const SHEET_COLUMNS = 8;
const TILE = 180;

/** Kept files as their aligned crops, rejects as thumbnails grouped by first reason; red = label disagrees. */
async function writeSheets(
  out: string,
  files: StoredFile[],
  labels: Map<string, LabelRow>,
): Promise<string[]> {
  const groups = new Map<string, SheetTile[]>();
  for (const f of files) {
    const label = labels.get(f.path);
    const got = effectiveDecision(f);
    const image = got === 'keep' ? f.alignedPath : f.thumbPath;
    const group = got === 'keep' ? 'kept' : `rejected-${f.reasons[0] ?? 'override'}`;
    const tiles = groups.get(group) ?? [];
    tiles.push({
      image: image ? join(out, image) : null,
      caption: `${label?.category ?? '?'} ${basename(f.path)}`,
      flagged: label !== undefined && label.expected !== 'either' && label.expected !== got,
    });
    groups.set(group, tiles);
  }
  const written: string[] = [];
  for (const [group, tiles] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
    const file = join(out, 'sheets', `${group}.png`);
    await writeContactSheet(file, tiles, { columns: SHEET_COLUMNS, tile: TILE });
    written.push(`${file} (${tiles.length})`);
  }
  return written;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      data: { type: 'string' },
      workers: { type: 'string' },
      out: { type: 'string' },
      reuse: { type: 'boolean' },
      thresholds: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const input = resolve(values.data ?? sharedPath('data/faces-dev'));
  const labelsPath = join(input, 'labels.csv');
  if (!existsSync(labelsPath))
    throw new Error(`${labelsPath} does not exist; pass --data DIR of a labelled folder`);
  const out = resolve(values.out ?? join('data/curate-eval', basename(input)));
  const thresholds = values.thresholds
    ? mergeThresholds(
        defaultThresholds(256),
        parseThresholdsJson(readFileSync(values.thresholds, 'utf8'), values.thresholds),
        values.thresholds,
      )
    : defaultThresholds(256);
  if (!values.reuse) {
    const result = await runFilter({
      input,
      out,
      size: 256,
      workers: values.workers ? Number(values.workers) : undefined,
      thresholds,
      onProgress: (done, total) => done % 20 === 0 && process.stderr.write(`  ${done}/${total}\n`),
    });
    const stages = Object.entries(result.stageMs).map(([k, v]) => `${k} ${v.toFixed(0)}`);
    process.stdout.write(
      `filter: ${result.analysed} images in ${(result.elapsedMs / 1000).toFixed(1)} s; backends ${JSON.stringify(result.backends)}; mean ms/stage ${stages.join(', ')}\n`,
    );
  }
  const manifest = Manifest.open(join(out, 'manifest.sqlite'));
  const { outcomes } = decideAll(manifest.decisionInputs(), thresholds);
  manifest.updateDecisions(outcomes);
  manifest.close();
  const { evaluation, labels, files } = evaluateRun(input, out);
  process.stdout.write(
    `data: ${input}\nthresholds: ${JSON.stringify(thresholds)}\n\n${formatEvaluation(evaluation)}\n\nwrong:\n`,
  );
  for (const w of evaluation.wrong)
    process.stdout.write(
      `  ${w.file} (${w.category}) → ${w.got} ${w.reasons}${w.note ? `  [${w.note}]` : ''}\n`,
    );
  if (evaluation.notScored.length) {
    process.stdout.write('either (not scored):\n');
    for (const n of evaluation.notScored) process.stdout.write(`  ${n.file} → ${n.got} ${n.reasons}\n`);
  }
  const sheets = await writeSheets(out, files, new Map(labels.map((l) => [l.file, l])));
  process.stdout.write(`contact sheets:\n${sheets.map((s) => `  ${s}`).join('\n')}\n`);
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : err}\n`);
  process.exit(1);
});
