/**
 * Which face BRISQUE separates `blurry` from `keep` better: the aligned crop or the detector's face
 * box (both at FACE_BRISQUE_SIZE), next to the whole-photo score. Runs the analysis stages on every
 * labelled file of each --data folder and prints, per variant, the per-category range and, for
 * blurry vs keep, the ROC AUC and the threshold with the best balanced accuracy.
 *   npx tsx tools/scripts/face-brisque-separation.ts --data DIR [--data DIR2] [--out data/face-brisque]
 */
import {
  atFaceBrisqueSize,
  createAnalyzer,
  defaultThresholds,
  type Analysis,
} from '@portrait-forge/curation';
import { brisqueScore } from '@portrait-forge/brisque';
import { isScoredLabel, openPhoto, readLabels } from '@portrait-forge/image-io';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { sha256 } from '@portrait-forge/curation';

type Variant = 'brisque' | 'faceBrisque' | 'faceRegionBrisque';
const VARIANTS: Variant[] = ['brisque', 'faceBrisque', 'faceRegionBrisque'];

interface Row {
  set: string;
  file: string;
  category: string;
  scores: Record<Variant, number | null>;
}

/** P(blurry score > keep score), ties count half. */
function auc(blurry: number[], keep: number[]): number {
  let wins = 0;
  for (const b of blurry) for (const k of keep) wins += b > k ? 1 : b === k ? 0.5 : 0;
  return wins / (blurry.length * keep.length || 1);
}

function bestCut(blurry: number[], keep: number[]): { cut: number; balanced: number } {
  let best = { cut: NaN, balanced: 0 };
  for (const cut of [...blurry, ...keep].sort((a, b) => a - b)) {
    const tpr = blurry.filter((b) => b > cut).length / blurry.length;
    const tnr = keep.filter((k) => k <= cut).length / keep.length;
    if ((tpr + tnr) / 2 > best.balanced) best = { cut, balanced: (tpr + tnr) / 2 };
  }
  return best;
}

const fmt = (v: number[]) =>
  v.length
    ? `${Math.min(...v).toFixed(1)} / ${v.sort((a, b) => a - b)[v.length >> 1].toFixed(1)} / ${Math.max(...v).toFixed(1)}`
    : '-';

/** The detector box of the aligned (primary) face, cut from the full-resolution photo. */
async function faceRegionBrisque(buffer: Buffer, file: string, a: Analysis): Promise<number | null> {
  if (a.scores.faceBrisque === null) return null;
  const landmarked = a.faces.filter((f) => f.landmarks.length === 136);
  const primary = landmarked.sort((x, y) => y.score - x.score)[0];
  if (!primary) return null;
  const { x, y, width, height } = primary.box;
  const photo = await openPhoto(buffer, file);
  return brisqueScore(await atFaceBrisqueSize(await photo.region({ left: x, top: y, width, height })));
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { data: { type: 'string', multiple: true }, out: { type: 'string' } },
  });
  const dirs = (values.data ?? []).map((d) => resolve(d));
  if (!dirs.length) throw new Error('pass --data DIR (a labelled folder), once or more');
  const out = resolve(values.out ?? 'data/face-brisque');
  mkdirSync(out, { recursive: true });
  const analyzer = await createAnalyzer(
    {
      outDir: out,
      size: 256,
      detector: 'blazeface',
      silhouette: 'selfie',
      face: defaultThresholds(256).face,
      maxPixels: 100_000_000,
      thumbSize: 256,
      photoBrisque: true,
    },
    () => undefined,
  );
  const rows: Row[] = [];
  for (const dir of dirs) {
    const labels = readLabels(dir).filter(isScoredLabel);
    for (const label of labels) {
      const buffer = readFileSync(join(dir, label.file));
      const a: Analysis = await analyzer.analyse({ path: label.file, sha256: sha256(buffer), buffer });
      rows.push({
        set: basename(dir),
        file: label.file,
        category: label.category,
        scores: {
          brisque: a.scores.brisque,
          faceBrisque: a.scores.faceBrisque,
          faceRegionBrisque: await faceRegionBrisque(buffer, label.file, a),
        },
      });
    }
  }
  writeFileSync(join(out, 'scores.json'), JSON.stringify(rows, null, 1));
  for (const set of [...dirs.map((d) => basename(d)), 'all']) {
    const of = rows.filter((r) => set === 'all' || r.set === set);
    process.stdout.write(`\n== ${set}: min / median / max by category (files with a face)\n`);
    const categories = [...new Set(of.map((r) => r.category))].sort();
    for (const v of VARIANTS) {
      process.stdout.write(`${v}\n`);
      for (const c of categories) {
        const scores = of
          .filter((r) => r.category === c)
          .map((r) => r.scores[v])
          .filter((s): s is number => s !== null);
        process.stdout.write(`  ${c.padEnd(9)} n=${String(scores.length).padStart(3)}  ${fmt(scores)}\n`);
      }
      const pick = (c: string) =>
        of
          .filter((r) => r.category === c)
          .map((r) => r.scores[v])
          .filter((s): s is number => s !== null);
      const [blurry, keep] = [pick('blurry'), pick('keep')];
      const cut = bestCut(blurry, keep);
      process.stdout.write(
        `  blurry vs keep: AUC ${auc(blurry, keep).toFixed(3)}; best cut > ${cut.cut.toFixed(1)} balanced accuracy ${cut.balanced.toFixed(3)}\n`,
      );
    }
  }
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : err}\n`);
  process.exit(1);
});
