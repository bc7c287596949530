import { DEFAULT_BRISQUE_THRESHOLD } from '@portrait-forge/brisque';
import {
  DEFAULT_DETECTOR,
  defaultFaceConfig,
  parseFaceConfig,
  type DetectorKind,
  type FaceConfig,
} from '@portrait-forge/face';

/** One config for the whole run; stored in the manifest's `runs` row and reused by `decide`. */
export interface Thresholds {
  face: FaceConfig;
  /** Reject as `blurry` when BRISQUE > this (higher = worse). */
  brisque: number;
  /** Reject as `asymmetric` when the symmetry metric ≥ this; null = the backend's own default. */
  symmetry: number | null;
}

/** The defaults for aligned crops of `size` and faces found by `detector` (its scores set the face cuts). */
export function defaultThresholds(size = 256, detector: DetectorKind = DEFAULT_DETECTOR): Thresholds {
  return {
    face: { ...defaultFaceConfig(detector), targetSize: size },
    brisque: DEFAULT_BRISQUE_THRESHOLD,
    symmetry: null,
  };
}

/** Overlays a partial config (from a JSON file or CLI flags) on a full one, checking every number. */
export function mergeThresholds(base: Thresholds, patch: DeepPartial<Thresholds>): Thresholds {
  const merged: Thresholds = {
    // parseFaceConfig also reads configs stored under the old l4rz key names.
    face: parseFaceConfig(patch.face ?? {}, base.face),
    brisque: patch.brisque ?? base.brisque,
    symmetry: patch.symmetry === undefined ? base.symmetry : patch.symmetry,
  };
  const numbers: Array<[string, unknown]> = [
    ['brisque', merged.brisque],
    ...Object.entries(merged.face).map(([k, v]): [string, unknown] => [`face.${k}`, v]),
  ];
  if (merged.symmetry !== null) numbers.push(['symmetry', merged.symmetry]);
  for (const [name, value] of numbers) {
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new Error(`threshold ${name} must be a finite number, got ${JSON.stringify(value)}`);
    }
  }
  return merged;
}

export type DeepPartial<T> = {
  [K in keyof T]?: T[K] extends object | null ? DeepPartial<NonNullable<T[K]>> | null : T[K];
};
