import { z } from 'zod';
import { DEFAULT_DETECTOR, type DetectorKind } from './types';

const fraction = z.number().min(0).max(1);
const positive = z.number().positive();
const nonNegative = z.number().min(0);

/**
 * Every threshold the face rule uses, with its meaning; defaults (defaultFaceConfig) are justified by
 * faces-dev and faces-wild-dev measurements in the README.
 */
export const faceConfigSchema = z.strictObject({
  /** A detection counts as a face from this score on (per detector: DETECTOR_SCORE_CUTS). */
  minFaceScore: fraction,
  /** Another face makes the image `multiple_faces` when its score reaches this… */
  secondFaceMinScore: fraction,
  /** …and its box height is at least this fraction of the primary face's… */
  secondFaceMinRelativeSize: nonNegative,
  /** …and its box overlaps the primary's by at most this fraction of the smaller box (else: the same face). */
  secondFaceMaxOverlap: fraction,
  /** Output side the aligned crop is made for (FFHQ-style square). */
  targetSize: positive,
  /** `face_too_small` when the FFHQ quad side × maxUpscale < targetSize. */
  maxUpscale: positive,
  /** `tilted` when |roll| exceeds this (degrees)… */
  maxRollDeg: nonNegative,
  /** …or the l4rz rule's eye ΔY, % of face height, reaches this (l4rz: 10). */
  maxEyeDyPercent: nonNegative,
  /** `turned` when |FaceMesh yaw| exceeds this (degrees)… */
  maxMeshYawDeg: nonNegative,
  /** …or, for a face without a FaceMesh yaw (older manifests), |68-point yaw estimate| exceeds this… */
  maxYawDeg: nonNegative,
  /** …or the l4rz rule's centreline offset delta % reaches this (l4rz: 90; README says why higher)… */
  maxCentreOffsetPercent: nonNegative,
  /** …or the pitch proxy (nose tip between eye line 0 and mouth line 1) is below this: head tipped back. */
  minPitchRatio: nonNegative,
  /** `face_cut_off` when more than this fraction of the FFHQ quad lies outside the photo. */
  maxCutOffFraction: fraction,
});
export type FaceConfig = z.infer<typeof faceConfigSchema>;

/** Config keys renamed since manifests were first written: old name → current name. */
export const LEGACY_FACE_CONFIG_KEYS: Readonly<Record<string, keyof FaceConfig>> = Object.freeze({
  seedEyesVDeltaPercentMax: 'maxEyeDyPercent',
  seedDeltaOffsetPercentMax: 'maxCentreOffsetPercent',
});

/**
 * Detector scores are on different scales, so the two score cuts depend on the detector. faces-dev
 * (README): BlazeFace gives every keep face ≥ 0.83 and no-face false hits ≤ 0.63; SSD gives keep faces
 * ≥ 0.25 and most no-face false hits < 0.2. A BlazeFace second face counts from 0.7, as confident
 * as a primary must be: on faces-wild-dev, keepers' false second faces (shirt buttons, hair, a
 * shoulder) score 0.51–0.67 and every multi photo's second face ≥ 0.73. For SSD/tiny, 0.5.
 */
export const DETECTOR_SCORE_CUTS: Readonly<
  Record<DetectorKind, Pick<FaceConfig, 'minFaceScore' | 'secondFaceMinScore'>>
> = Object.freeze({
  blazeface: { minFaceScore: 0.7, secondFaceMinScore: 0.7 },
  ssd: { minFaceScore: 0.2, secondFaceMinScore: 0.5 },
  tiny: { minFaceScore: 0.2, secondFaceMinScore: 0.5 },
});

/** The default face rule for faces found by `detector`. */
export function defaultFaceConfig(detector: DetectorKind = DEFAULT_DETECTOR): FaceConfig {
  return {
    ...DETECTOR_SCORE_CUTS[detector],
    secondFaceMinRelativeSize: 0.4,
    secondFaceMaxOverlap: 0.5,
    targetSize: 256,
    // qsize ≥ 256 / 1.6 = 160 px: faces-wild-dev lowres faces (~65–95 px chin to forehead) measure
    // qsize ≤ 146, its smallest keep 224; faces-dev keeps start at 165 (curate-eval, issue 16).
    maxUpscale: 1.6,
    // The landmark roll reads 2–6° above the labellers' estimates: faces-wild-dev keepers reach 16.3
    // (labelled ~10–12°), real tilts start at 18.8; faces-dev's synthetic tilts are 22–33°.
    maxRollDeg: 16.5,
    maxEyeDyPercent: 10,
    // FaceMesh yaw (mesh-pose.ts): keepers reach 25.3° (faces-dev, lfw_0048) and 27.4° (faces-wild-dev,
    // insightface_yifei, which the 68-point yaw read 38°); turned faces start at 30.6° (uniface_image5).
    // Two turned photos read 21–23° and stay kept (libs/face README); the 68-point yaw did not part them either.
    maxMeshYawDeg: 29,
    // Only for faces without a mesh yaw (manifests from before v7): the former rule, unchanged.
    maxYawDeg: 35,
    maxCentreOffsetPercent: 250,
    // Keepers' pitch proxy starts at 0.39 (faces-dev) / 0.40 (faces-wild-dev); the head tipped back
    // looking up (turned/insightface_rise_face) reads 0.31. No category is pitched down to set a maximum.
    minPitchRatio: 0.35,
    maxCutOffFraction: 0.1,
  };
}

/** The default rule for the default detector. */
export const DEFAULT_FACE_CONFIG: Readonly<FaceConfig> = Object.freeze(defaultFaceConfig());

/**
 * `config` with old key names replaced by the current ones (LEGACY_FACE_CONFIG_KEYS); a key given under
 * both names with different values is an error. Other keys and values pass through unchecked.
 */
export function renameLegacyFaceKeys(
  config: Record<string, unknown>,
  name = 'face',
): Record<string, unknown> {
  const renamed: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    const current = LEGACY_FACE_CONFIG_KEYS[key] ?? key;
    if (current in renamed && renamed[current] !== value) {
      const old = Object.keys(LEGACY_FACE_CONFIG_KEYS).find((k) => LEGACY_FACE_CONFIG_KEYS[k] === current);
      throw new Error(`${name} config gives ${current} twice with different values (${old} is its old name)`);
    }
    renamed[current] = value;
  }
  return renamed;
}

/**
 * A full FaceConfig from a stored or user-given object: legacy key names are accepted (a key given
 * under both names must agree), missing keys come from `base`, and an unknown key or a bad value is
 * an error naming the key and what it must be.
 */
export function parseFaceConfig(
  input: unknown,
  base: FaceConfig = DEFAULT_FACE_CONFIG,
  name = 'face',
): FaceConfig {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    throw new Error(`${name} config must be an object of thresholds, got ${JSON.stringify(input)}`);
  const renamed = renameLegacyFaceKeys(input as Record<string, unknown>, name);
  const parsed = faceConfigSchema.safeParse({ ...base, ...renamed });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${[name, ...i.path].join('.')}: ${i.message}`);
    throw new Error(`invalid ${name} config: ${problems.join('; ')}`);
  }
  return parsed.data;
}
