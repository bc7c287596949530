/**
 * Test builders (`@portrait-forge/curation/testing`): synthetic 68-point faces and decision inputs,
 * so a spec states only what it is about.
 */
import type { DetectedFace, Point } from '@portrait-forge/face';
import {
  decisionInputOf,
  emptyScores,
  type DecisionInput,
  type FileRecord,
  type RawScores,
} from '@portrait-forge/manifest';
import { fileRecord } from '@portrait-forge/manifest/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { faceRecord } from './lib/analyse';
import { formatEvaluation } from './lib/decision-evaluation';
import { evaluateRun, type FolderEvaluation } from './lib/evaluate-folder';
import { runFilter, type FilterOptions } from './lib/filter';
import { defaultThresholds } from './lib/thresholds';

/** A roughly frontal 68-point face (face-api order), rotated by `rollDeg` about its centre. */
export function syntheticFace(cx: number, cy: number, size: number, rollDeg = 0, yawShift = 0): Point[] {
  const pts: Point[] = [];
  for (let i = 0; i < 17; i++) {
    const a = Math.PI * (i / 16);
    pts.push({ x: cx - 0.5 * size * Math.cos(a), y: cy + 0.45 * size * Math.sin(a) - 0.05 * size });
  }
  for (let i = 17; i < 27; i++) pts.push({ x: cx + (i - 21.5) * 0.08 * size, y: cy - 0.3 * size });
  for (let i = 27; i < 36; i++)
    pts.push({
      x: cx + yawShift * size + (i >= 31 ? (i - 33) * 0.05 * size : 0),
      y: cy - 0.2 * size + Math.min(i - 27, 4) * 0.08 * size,
    });
  for (const ex of [cx - 0.2 * size, cx + 0.2 * size]) {
    for (let k = 0; k < 6; k++)
      pts.push({
        x: ex + Math.cos((k / 6) * 2 * Math.PI) * 0.06 * size,
        y: cy - 0.2 * size + Math.sin((k / 6) * 2 * Math.PI) * 0.02 * size,
      });
  }
  for (let i = 48; i < 68; i++)
    pts.push({
      x: cx + Math.cos(((i - 48) / 12) * 2 * Math.PI) * 0.15 * size,
      y: cy + 0.3 * size + Math.sin(((i - 48) / 12) * 2 * Math.PI) * 0.04 * size,
    });
  const r = (rollDeg * Math.PI) / 180;
  return pts.map((p) => ({
    x: cx + (p.x - cx) * Math.cos(r) - (p.y - cy) * Math.sin(r),
    y: cy + (p.x - cx) * Math.sin(r) + (p.y - cy) * Math.cos(r),
  }));
}

/** A detection of a synthetic face centred at (cx, cy). */
export function detected(
  cx: number,
  cy: number,
  size: number,
  score: number,
  rollDeg = 0,
  yawShift = 0,
): DetectedFace {
  return {
    box: { x: cx - size / 2, y: cy - size / 2, width: size, height: size },
    score,
    landmarks: syntheticFace(cx, cy, size, rollDeg, yawShift),
  };
}

/** A 1000² photo's record with a clean frontal face (or `faces`) that `decide` keeps; scores overridable. */
export function photoRecord(
  path: string,
  faces: DetectedFace[] = [detected(500, 500, 400, 0.95)],
  scores: Partial<RawScores> = {},
  overrides: Partial<FileRecord> = {},
): FileRecord {
  return fileRecord(path, {
    sha256: `sha-${path}`,
    width: 1000,
    height: 1000,
    scores: {
      ...emptyScores(),
      faceCount: 1,
      faceSize: 400,
      roll: 0,
      yaw: 0,
      brisque: 20,
      faceBrisque: 30,
      symmetry: 0.01,
      symmetryBackend: 'selfie',
      ...scores,
    },
    faces: faces.map((f) => faceRecord(f, { width: 1000, height: 1000 })),
    alignedPath: `aligned/${path}.png`,
    ...overrides,
  });
}

/** The decision input of photoRecord('a.jpg', faces, scores), fields overridable. */
export function decisionInput(
  faces?: DetectedFace[],
  scores: Partial<RawScores> = {},
  overrides: Partial<DecisionInput> = {},
): DecisionInput {
  return { ...decisionInputOf(photoRecord('a.jpg', faces, scores), 1), ...overrides };
}

/**
 * The whole pipeline (2 workers, the default config at 256) on a labelled folder in a temporary output,
 * evaluated against its labels.csv; prints the confusion table and the wrong files for the test log.
 */
export async function filterLabelledFolder(
  dir: string,
  options: Pick<FilterOptions, 'photoBrisque'> = {},
): Promise<FolderEvaluation> {
  const out = mkdtempSync(join(tmpdir(), 'curate-labelled-'));
  try {
    await runFilter({
      input: dir,
      out,
      size: 256,
      workers: 2,
      thresholds: defaultThresholds(256),
      log: () => undefined,
      ...options,
    });
    const result = evaluateRun(dir, out);
    const wrong = result.evaluation.wrong.map((w) => `  ${w.file} (${w.category}) → ${w.got} ${w.reasons}`);
    console.log(`${formatEvaluation(result.evaluation)}\nwrong:\n${wrong.join('\n')}`);
    return result;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
