import {
  DEFAULT_DETECTOR,
  DETECTOR_KINDS,
  defaultFaceConfig,
  parseFaceConfig,
  LEGACY_FACE_CONFIG_KEYS,
  type DetectorKind,
  type FaceConfig,
} from '@portrait-forge/face/decision';
import type { Manifest } from '@portrait-forge/manifest';
import { z } from 'zod';
import { DEFAULT_FACE_BRISQUE_THRESHOLD } from './face-brisque';
import { checked, finiteNumber } from './checked';

/** One config for the whole run; stored in the manifest's `runs` row and reused by `decide`. */
export interface Thresholds {
  face: FaceConfig;
  /** Reject as `blurry` when the aligned face crop's BRISQUE > this (higher = worse). */
  faceBrisque: number;
  /** Also reject as `blurry` when the whole photo's BRISQUE > this; null = stored only (a bokeh background is fine). */
  brisque: number | null;
  /** Reject as `asymmetric` when the symmetry metric ≥ this; null = the backend's own default. */
  symmetry: number | null;
}

/** The defaults for aligned crops of `size` and faces found by `detector` (its scores set the face cuts). */
export function defaultThresholds(size = 256, detector: DetectorKind = DEFAULT_DETECTOR): Thresholds {
  return {
    face: { ...defaultFaceConfig(detector), targetSize: size },
    faceBrisque: DEFAULT_FACE_BRISQUE_THRESHOLD,
    brisque: null,
    symmetry: null,
  };
}

/** The face keys are FaceConfig's own (libs/face owns their names and meaning). */
const FACE_KEYS = [...Object.keys(defaultFaceConfig()), ...Object.keys(LEGACY_FACE_CONFIG_KEYS)];

/**
 * Any part of the thresholds: what `--thresholds FILE.json`, the flags and a stored run give. The one
 * schema of the thresholds contract; unknown keys are errors (a typo must not be ignored silently).
 */
export const ThresholdsPatchSchema = z.strictObject({
  // Current and old (l4rz) key names; libs/face's parseFaceConfig maps the old ones.
  face: z
    .strictObject(
      Object.fromEntries(FACE_KEYS.map((k) => [k, finiteNumber().optional()])) as Record<
        string,
        z.ZodOptional<ReturnType<typeof finiteNumber>>
      >,
    )
    .optional(),
  faceBrisque: finiteNumber().optional(),
  brisque: finiteNumber().nullable().optional(),
  symmetry: finiteNumber().nullable().optional(),
});
export type ThresholdsPatch = z.input<typeof ThresholdsPatchSchema>;

const FIX = `use a JSON object with any of "faceBrisque", "brisque" (number or null), "symmetry" (number or null), "face": {${FACE_KEYS.join(', ')}} (all numbers)`;

/** Overlays a partial config (a JSON file, CLI flags, a stored run) on a full one; `label` names the input. */
export function mergeThresholds(base: Thresholds, patch: unknown, label = 'thresholds'): Thresholds {
  const p = checked(ThresholdsPatchSchema, patch, label, FIX);
  let face: FaceConfig;
  try {
    const given = Object.entries(p.face ?? {}).filter(([, v]) => v !== undefined);
    face = parseFaceConfig(Object.fromEntries(given), base.face);
  } catch (err) {
    throw new Error(`${label}: ${err instanceof Error ? err.message : err} — ${FIX}`, { cause: err });
  }
  return {
    face,
    faceBrisque: p.faceBrisque ?? base.faceBrisque,
    brisque: p.brisque === undefined ? base.brisque : p.brisque,
    symmetry: p.symmetry === undefined ? base.symmetry : p.symmetry,
  };
}

/** Parses the text of a `--thresholds FILE.json`. */
export function parseThresholdsJson(text: string, label: string): ThresholdsPatch {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new Error(`${label}: not JSON (${err instanceof Error ? err.message : err}) — ${FIX}`);
  }
  return checked(ThresholdsPatchSchema, data, label, FIX);
}

/**
 * The thresholds of the last filter/decide run, over the defaults for that filter run's size and
 * detector, so `decide` with no flags changes nothing.
 */
export function storedThresholds(manifest: Manifest): Thresholds {
  const filter = manifest.lastRun('filter');
  const detector = DETECTOR_KINDS.find((k) => k === filter?.config.detector);
  const defaults = defaultThresholds(filter?.config.size ?? 256, detector);
  const last = manifest.lastRun('filter', 'decide');
  return last
    ? mergeThresholds(
        defaults,
        last.thresholds,
        `${manifest.file}: thresholds of run ${last.id} (${last.kind})`,
      )
    : defaults;
}

/** A whole-photo BRISQUE cut without the whole-photo score would decide nothing, silently: the error, or null. */
export function photoBrisqueProblem(thresholds: Thresholds, photoBrisque: boolean): string | null {
  if (thresholds.brisque === null || photoBrisque) return null;
  return `a whole-photo BRISQUE threshold (${thresholds.brisque}) needs the whole-photo score: pass --photo-brisque, or drop --brisque (blur is decided on the face: --face-brisque)`;
}
