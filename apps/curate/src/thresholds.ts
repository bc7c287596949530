import { finiteNumber, UsageError, withDefault } from '@portrait-forge/cli';
import {
  mergeThresholds,
  parseThresholdsJson,
  type ThresholdsPatch,
  type Thresholds,
} from '@portrait-forge/curation';
import { DETECTOR_KINDS, defaultFaceConfig } from '@portrait-forge/face';
import { Command } from 'commander';
import { readFileSync } from 'node:fs';

/** One row per threshold flag: its help, where it lives in Thresholds, and the patch it makes. */
const THRESHOLD_FLAGS = [
  {
    flags: '--face-brisque <n>',
    attribute: 'faceBrisque',
    help: "reject as blurry when the aligned face crop's BRISQUE > n",
    read: (t: Thresholds): unknown => t.faceBrisque,
    patch: (n: number): ThresholdsPatch => ({ faceBrisque: n }),
  },
  {
    flags: '--brisque <n>',
    attribute: 'brisque',
    help: "also reject as blurry when the whole photo's BRISQUE > n; null = off",
    read: (t: Thresholds): unknown => t.brisque,
    patch: (n: number): ThresholdsPatch => ({ brisque: n }),
  },
  {
    flags: '--symmetry <n>',
    attribute: 'symmetry',
    help: "reject as asymmetric when symmetry ≥ n; null = the silhouette backend's own cut",
    read: (t: Thresholds): unknown => t.symmetry,
    patch: (n: number): ThresholdsPatch => ({ symmetry: n }),
  },
  {
    flags: '--max-roll <deg>',
    attribute: 'maxRoll',
    help: 'tilted when |roll| > deg',
    read: (t: Thresholds): unknown => t.face.maxRollDeg,
    patch: (n: number): ThresholdsPatch => ({ face: { maxRollDeg: n } }),
  },
  {
    flags: '--max-yaw <deg>',
    attribute: 'maxYaw',
    help: "turned when FaceMesh's |yaw| > deg (faces stored without it: face.maxYawDeg in --thresholds)",
    read: (t: Thresholds): unknown => t.face.maxMeshYawDeg,
    patch: (n: number): ThresholdsPatch => ({ face: { maxMeshYawDeg: n } }),
  },
  {
    flags: '--min-face-score <s>',
    attribute: 'minFaceScore',
    help: `a detection counts as a face from this score (the cut depends on --detector: ${DETECTOR_KINDS.map((k) => `${k} ${defaultFaceConfig(k).minFaceScore}`).join(', ')})`,
    read: (t: Thresholds): unknown => t.face.minFaceScore,
    patch: (n: number): ThresholdsPatch => ({ face: { minFaceScore: n } }),
  },
] as const;

export type ThresholdAttribute = (typeof THRESHOLD_FLAGS)[number]['attribute'];

export type ThresholdFlags = { thresholds?: string } & { [K in ThresholdAttribute]?: number };

/**
 * Adds --thresholds FILE and one flag per threshold. `defaults` are the thresholds the command uses when
 * a flag is absent (shown in --help); `'stored'`: those of the manifest's last run.
 */
export function addThresholdOptions(cmd: Command, defaults: Thresholds | 'stored'): Command {
  cmd.option(
    '--thresholds <file>',
    'JSON file with any of {"faceBrisque", "brisque", "symmetry", "face": {…FaceConfig}}',
  );
  for (const t of THRESHOLD_FLAGS) {
    const help =
      defaults === 'stored'
        ? `${t.help} (unset: as the last filter/decide run)`
        : withDefault(t.help, t.read(defaults));
    cmd.option(t.flags, help, finiteNumber);
  }
  return cmd;
}

/** The value of a threshold flag's attribute inside resolved thresholds (for the help-defaults test). */
export function thresholdValue(thresholds: Thresholds, attribute: string): unknown {
  return THRESHOLD_FLAGS.find((t) => t.attribute === attribute)?.read(thresholds);
}

export const isThresholdAttribute = (attribute: string): boolean =>
  THRESHOLD_FLAGS.some((t) => t.attribute === attribute);

/** base ← --thresholds file ← individual flags. */
export function thresholdsFrom(flags: ThresholdFlags, base: Thresholds): Thresholds {
  let merged = base;
  if (flags.thresholds) {
    let text: string;
    try {
      text = readFileSync(flags.thresholds, 'utf8');
    } catch (err) {
      throw new UsageError(
        `--thresholds ${flags.thresholds}: cannot read (${err instanceof Error ? err.message : err}); pass a JSON file`,
      );
    }
    merged = mergeThresholds(merged, parseThresholdsJson(text, `--thresholds ${flags.thresholds}`));
  }
  for (const t of THRESHOLD_FLAGS) {
    const value = flags[t.attribute];
    if (value !== undefined) merged = mergeThresholds(merged, t.patch(value), 'threshold flags');
  }
  return merged;
}
