/**
 * Symmetry scores on faces-dev per silhouette backend: CSV of every photo, per-category stats,
 * and how many photos of each category the seed's 0.06 cut (and a candidate cut) would drop.
 * Run: npx tsx tools/scripts/symmetry-calibrate.ts [--backends selfie,meet] [--out data/symmetry]
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import cliProgress from 'cli-progress';
import {
  createSilhouette,
  DEFAULT_SYMMETRY_THRESHOLD,
  isSilhouette,
  isSilhouetteChoice,
  type SilhouetteChoice,
} from '@portrait-forge/symmetry';
import { sharedPath } from '@portrait-forge/test-support';
import {
  quantile,
  readFacesDev,
  scorePhoto,
  type LabelledPhoto,
  type ScoredPhoto,
} from './symmetry-faces-dev';

const FACES_TRAIN = sharedPath('data/faces-train');

const program = new Command()
  .description('Symmetry-score distribution on faces-dev per silhouette backend')
  .option('--backends <list>', 'comma-separated: u2net,u2netp,selfie,meet', 'selfie,meet')
  .option('--u2net-model <path>', 'local U-2-Net .onnx for u2net/u2netp')
  .option('--out <dir>', 'output folder', 'data/symmetry')
  .option('--cuts <list>', 'extra thresholds to evaluate', '0.1,0.15,0.16,0.18,0.2')
  .option(
    '--train-sample <n>',
    'also score every (10000/n)-th photo of faces-train (aligned crops) as category "train"',
    '0',
  )
  .parse();
const opts = program.opts<{
  backends: string;
  u2netModel?: string;
  out: string;
  cuts: string;
  trainSample: string;
}>();

/** An even spread of faces-train photos, labelled "train" (they are aligned, curated crops). */
function trainSample(n: number): LabelledPhoto[] {
  if (n <= 0) return [];
  const files = readdirSync(FACES_TRAIN)
    .filter((f) => /\.(jpe?g|png)$/i.test(f))
    .sort();
  const step = Math.max(1, Math.floor(files.length / n));
  return files
    .filter((_, i) => i % step === 0)
    .slice(0, n)
    .map((f) => ({ file: join('..', 'faces-train', f), expected: 'keep', category: 'train' }));
}

function fmt(v: number): string {
  return Number.isNaN(v) ? '   -  ' : v.toFixed(4);
}

function stats(rows: ScoredPhoto[], cuts: number[]): string {
  const categories = [...new Set(rows.map((r) => r.category))].sort((a, b) =>
    a === 'keep' ? -1 : b === 'keep' ? 1 : a.localeCompare(b),
  );
  const head = `  ${'category'.padEnd(9)} n    min    p10    median p90    max    ${cuts.map((c) => `≥${c}`.padEnd(9)).join('')}`;
  const lines = categories.map((category) => {
    const s = rows
      .filter((r) => r.category === category)
      .map((r) => r.score)
      .sort((a, b) => a - b);
    const dropped = cuts.map((c) => `${s.filter((v) => v >= c).length}/${s.length}`.padEnd(9)).join('');
    const qs = [0, 0.1, 0.5, 0.9, 1].map((q) => fmt(quantile(s, q))).join(' ');
    return `  ${category.padEnd(9)} ${String(s.length).padEnd(4)} ${qs} ${dropped}`;
  });
  return [head, ...lines].join('\n');
}

async function main(): Promise<void> {
  const photos = [...readFacesDev(), ...trainSample(Number(opts.trainSample))];
  const cuts = [DEFAULT_SYMMETRY_THRESHOLD, ...opts.cuts.split(',').map(Number)];
  const out = resolve(opts.out);
  mkdirSync(out, { recursive: true });
  const csv = ['backend,file,category,expected,width,height,score,mask_ms'];
  for (const backend of opts.backends.split(',')) {
    if (!isSilhouetteChoice(backend)) throw new Error(`--backends: unknown backend "${backend}"`);
    const silhouette = await createSilhouette({
      backend: backend as SilhouetteChoice,
      u2netModel: opts.u2netModel,
    });
    if (!isSilhouette(silhouette)) {
      process.stdout.write(`\n${backend}: not_scored — ${silhouette.reason}\n`);
      continue;
    }
    const bar = new cliProgress.SingleBar(
      { format: `${backend} [{bar}] {value}/{total} | ETA {eta}s`, stream: process.stderr },
      cliProgress.Presets.shades_classic,
    );
    bar.start(photos.length, 0);
    const rows: ScoredPhoto[] = [];
    for (const photo of photos) {
      const row = await scorePhoto(silhouette, photo);
      rows.push(row);
      csv.push(
        [
          silhouette.name,
          row.file,
          row.category,
          row.expected,
          row.image.width,
          row.image.height,
          row.score.toFixed(6),
          row.maskMs.toFixed(1),
        ].join(','),
      );
      bar.increment();
    }
    bar.stop();
    await silhouette.dispose();
    process.stdout.write(
      `\n${silhouette.name} (${silhouette.runtime}) — symmetry score per category; last columns: photos at or above each cut\n`,
    );
    process.stdout.write(`${stats(rows, cuts)}\n`);
  }
  const csvPath = join(out, 'faces-dev-scores.csv');
  writeFileSync(csvPath, `${csv.join('\n')}\n`);
  process.stdout.write(`\nwrote ${csvPath}\n`);
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.message : err}\n`);
  process.exit(1);
});
