import {
  DEFAULT_FACE_BRISQUE_THRESHOLD,
  mergeThresholds,
  parseThresholdsJson,
  type Thresholds,
} from '@portrait-forge/curation';
import { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { finiteNumber } from './options';

export interface ThresholdFlags {
  thresholds?: string;
  brisque?: number;
  faceBrisque?: number;
  symmetry?: number;
  maxRoll?: number;
  maxYaw?: number;
  minFaceScore?: number;
}

export function addThresholdOptions(cmd: Command): Command {
  return cmd
    .option('--thresholds <file>', 'JSON file with any of {"brisque", "symmetry", "face": {…FaceConfig}}')
    .option(
      '--face-brisque <n>',
      `reject as blurry when the aligned face crop's BRISQUE > n (default ${DEFAULT_FACE_BRISQUE_THRESHOLD})`,
      finiteNumber,
    )
    .option(
      '--brisque <n>',
      "also reject as blurry when the whole photo's BRISQUE > n (default: off)",
      finiteNumber,
    )
    .option(
      '--symmetry <n>',
      "reject as asymmetric when symmetry ≥ n (default: the backend's own cut)",
      finiteNumber,
    )
    .option('--max-roll <deg>', 'tilted when |roll| > deg (default 12)', finiteNumber)
    .option('--max-yaw <deg>', 'turned when |yaw| > deg (default 35)', finiteNumber)
    .option(
      '--min-face-score <s>',
      'a detection counts as a face from this score (default 0.2)',
      finiteNumber,
    );
}

/** base ← --thresholds file ← individual flags. */
export function thresholdsFrom(flags: ThresholdFlags, base: Thresholds): Thresholds {
  let merged = base;
  if (flags.thresholds) {
    let text: string;
    try {
      text = readFileSync(flags.thresholds, 'utf8');
    } catch (err) {
      throw new Error(
        `--thresholds ${flags.thresholds}: cannot read (${err instanceof Error ? err.message : err}); pass a JSON file`,
      );
    }
    merged = mergeThresholds(merged, parseThresholdsJson(text, `--thresholds ${flags.thresholds}`));
  }
  return mergeThresholds(
    merged,
    {
      brisque: flags.brisque,
      faceBrisque: flags.faceBrisque,
      symmetry: flags.symmetry,
      face: {
        ...(flags.maxRoll !== undefined ? { maxRollDeg: flags.maxRoll } : {}),
        ...(flags.maxYaw !== undefined ? { maxYawDeg: flags.maxYaw } : {}),
        ...(flags.minFaceScore !== undefined ? { minFaceScore: flags.minFaceScore } : {}),
      },
    },
    'threshold flags',
  );
}
