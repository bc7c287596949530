/**
 * Detection + pose rules on a labelled folder (default ../shared/data/faces-dev): prints the
 * confusion table (per category: kept, rejected, rate, reason counts), the measures behind the
 * thresholds, and the images the rules get wrong; optionally writes every raw measure as CSV.
 *
 *   npx tsx tools/scripts/face-eval.ts [--dir DIR] [--detector blazeface|ssd|tiny] [--target-size 256] [--csv data/face-eval.csv]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Command } from 'commander';
import {
  DEFAULT_DETECTOR,
  defaultFaceConfig,
  DETECTOR_KINDS,
  decideFace,
  type DetectorKind,
  formatScoreTable,
  scoreByCategory,
  type FaceConfig,
  type FaceDecision,
} from '@portrait-forge/face';
import {
  DEFAULT_FACES_DEV,
  detectLabelled,
  parseDetector,
  parsePositiveInt,
  type DetectedImage,
} from './face-run';

interface Options {
  dir: string;
  detector: DetectorKind;
  targetSize: number;
  csv?: string;
}

const fmt = (v: number | undefined, digits = 1) => (v === undefined ? '-' : v.toFixed(digits));

function table(rows: DetectedImage[], config: FaceConfig): { decisions: FaceDecision[]; text: string } {
  const decisions = rows.map((r) => decideFace(r.faces, r.image, config));
  const scores = scoreByCategory(rows.map((r, i) => ({ ...r, reasons: decisions[i].reasons })));
  return { decisions, text: formatScoreTable(scores) };
}

/** min / median / max of a measure over the images of one category that have it. */
function spread(values: number[]): string {
  if (values.length === 0) return '-';
  const s = [...values].sort((a, b) => a - b);
  return `${fmt(s[0], 2)} / ${fmt(s[Math.floor(s.length / 2)], 2)} / ${fmt(s[s.length - 1], 2)}`;
}

function measureSummary(rows: DetectedImage[], decisions: FaceDecision[]): string {
  const categories = [...new Set(rows.map((r) => r.category))];
  const lines = ['measures of the primary face, min / median / max (images with a face ≥ minFaceScore):'];
  for (const c of categories) {
    const m = decisions.filter((_, i) => rows[i].category === c).map((d) => d.measures);
    const has = m.filter((x) => x.pose);
    const pick = (f: (x: (typeof m)[number]) => number | undefined) =>
      spread(has.map(f).filter((v): v is number => v !== undefined));
    lines.push(
      `  ${c.padEnd(7)} faces ${String(has.length).padStart(3)}/${String(m.length).padEnd(3)}` +
        ` score ${pick((x) => x.primaryScore)} | |roll| ${pick((x) => Math.abs(x.pose!.rollDeg))}` +
        ` | |yaw| ${pick((x) => Math.abs(x.pose!.yawDeg))} | qsize ${pick((x) => x.qsize)}` +
        ` | l4rz ΔY% ${pick((x) => x.pose!.l4rzRule.eyeDyPercent)} | l4rz offset% ${pick((x) => x.pose!.l4rzRule.centreOffsetPercent)}` +
        ` | cut off ${pick((x) => x.cutOffFraction)}` +
        ` | 2nd face score ${pick((x) => x.secondScore)} | 2nd rel. size ${pick((x) => x.secondRelativeSize)}`,
    );
  }
  return lines.join('\n');
}

function csvRows(rows: DetectedImage[], decisions: FaceDecision[]): string {
  const header =
    'file,category,expected,reasons,detections,faces,primary_score,box_w,box_h,second_score,second_rel_size,qsize,roll_deg,yaw_deg,yaw_ratio,pitch_ratio,l4rz_eye_dy_pct,l4rz_centre_offset_pct,l4rz_passes,rotation_deg,cut_off,landmarks_at_border,detections_score_at_rel_size,detect_ms';
  const lines = rows.map((r, i) => {
    const m = decisions[i].measures;
    const p = m.pose;
    return [
      r.file,
      r.category,
      r.expected,
      decisions[i].reasons.join('|'),
      m.detections,
      m.faces,
      fmt(m.primaryScore, 4),
      fmt(m.primaryBoxWidth, 1),
      fmt(m.primaryBoxHeight, 1),
      fmt(m.secondScore, 4),
      fmt(m.secondRelativeSize, 3),
      fmt(m.qsize, 1),
      fmt(p?.rollDeg, 2),
      fmt(p?.yawDeg, 2),
      fmt(p?.yawRatio, 3),
      fmt(p?.pitchRatio, 3),
      p?.l4rzRule.eyeDyPercent ?? '-',
      p?.l4rzRule.centreOffsetPercent ?? '-',
      p ? String(p.l4rzRule.passes) : '-',
      fmt(m.primaryRotationDeg, 1),
      fmt(m.cutOffFraction, 3),
      m.landmarksAtBorder ?? '-',
      r.faces
        .map(
          (f) => `${f.score.toFixed(2)}@${(f.box.height / (m.primaryBoxHeight ?? f.box.height)).toFixed(2)}`,
        )
        .join(' '),
      fmt(r.detectMs, 0),
    ].join(',');
  });
  return [header, ...lines].join('\n') + '\n';
}

async function main(options: Options): Promise<void> {
  const rows = await detectLabelled(options.dir, options.detector);
  const config: FaceConfig = { ...defaultFaceConfig(options.detector), targetSize: options.targetSize };
  const { decisions, text } = table(rows, config);
  const ms = rows.reduce((s, r) => s + r.detectMs, 0) / rows.length;
  console.log(
    `\n${options.dir}: ${rows.length} images, detector ${options.detector} (${ms.toFixed(0)} ms/image)`,
  );
  console.log(`config ${JSON.stringify(config)}\n`);
  console.log(text);
  console.log('\nwithout face_too_small (maxUpscale ∞), to see what it does for lowres:');
  console.log(table(rows, { ...config, maxUpscale: Number.POSITIVE_INFINITY }).text);
  console.log('\nwith the l4rz rule verbatim (ΔY < 10 %, offset < 90 %):');
  console.log(table(rows, { ...config, maxCentreOffsetPercent: 90 }).text);
  console.log(`\n${measureSummary(rows, decisions)}`);
  console.log('\nwrong calls:');
  rows.forEach((r, i) => {
    const rejected = decisions[i].reasons.length > 0;
    if (rejected === (r.expected === 'reject')) return;
    const p = decisions[i].measures.pose;
    console.log(
      `  ${r.file}: expected ${r.expected}, got ${rejected ? decisions[i].reasons.join('+') : 'keep'}` +
        (p
          ? ` (roll ${fmt(p.rollDeg)}°, yaw ${fmt(p.yawDeg)}°, score ${fmt(decisions[i].measures.primaryScore, 2)})`
          : ''),
    );
  });
  if (options.csv) {
    mkdirSync(dirname(options.csv), { recursive: true });
    writeFileSync(options.csv, csvRows(rows, decisions));
    console.log(`\nwrote ${options.csv}`);
  }
}

new Command()
  .name('face-eval')
  .description('Confusion table of face detection + pose rules on a labelled folder (labels.csv).')
  .option('--dir <dir>', 'labelled folder with labels.csv', DEFAULT_FACES_DEV)
  .option('--detector <kind>', DETECTOR_KINDS.join(' | '), parseDetector, DEFAULT_DETECTOR)
  .option('--target-size <px>', 'aligned output size face_too_small is judged against', parsePositiveInt, 256)
  .option('--csv <file>', 'also write every raw measure per image as CSV')
  .action((options: Options) => main(options))
  .parseAsync()
  .catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
