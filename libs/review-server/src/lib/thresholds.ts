import { symmetryCut, type Thresholds } from '@portrait-forge/curation/decide';
import type { GalleryScores, GallerySort } from '@portrait-forge/manifest';

/**
 * The thresholds the UI edits: where each lives in Thresholds, the reason it rejects for, and
 * (for a sortable score) the cut on that score, so "closest to its threshold" and the detail
 * view's "which threshold decided" read the same numbers decide compares.
 */
export interface ThresholdField {
  /** Dotted path into Thresholds, e.g. `face.maxRollDeg`. */
  path: string;
  label: string;
  reason: string;
  /** What null means when allowed (symmetry: the backend's own cut; photo BRISQUE: not used). */
  nullMeans?: string;
  score?: {
    sort: GallerySort;
    label: string;
    value: (s: GalleryScores) => number | null;
    /** The cut on that score; `rejectAbove` false = a file below it is rejected. */
    cut: (t: Thresholds, symmetryBackend: string | null) => number | null;
    rejectAbove: boolean;
    /**
     * The files column the cut compares, when the rule reads nothing else for this threshold: a
     * change can then only flip files between the old and the new cut (a preview re-decides those).
     */
    column?: string;
  };
}

const abs = (v: number | null) => (v === null ? null : Math.abs(v));

export const THRESHOLD_FIELDS: readonly ThresholdField[] = [
  {
    path: 'faceBrisque',
    label: 'face BRISQUE max',
    reason: 'blurry',
    score: {
      sort: 'faceBrisque',
      label: 'face BRISQUE',
      value: (s) => s.faceBrisque,
      cut: (t) => t.faceBrisque,
      rejectAbove: true,
      column: 'face_brisque',
    },
  },
  {
    path: 'brisque',
    label: 'photo BRISQUE max',
    reason: 'blurry',
    nullMeans: 'off',
    score: {
      sort: 'brisque',
      label: 'BRISQUE',
      value: (s) => s.brisque,
      cut: (t) => t.brisque,
      rejectAbove: true,
      column: 'brisque',
    },
  },
  {
    path: 'symmetry',
    label: 'symmetry max',
    reason: 'asymmetric',
    nullMeans: 'backend default',
    score: {
      sort: 'symmetry',
      label: 'symmetry',
      value: (s) => s.symmetry,
      cut: (t, backend) => symmetryCut(backend, t),
      rejectAbove: true,
    },
  },
  {
    path: 'face.maxRollDeg',
    label: '|roll| max (°)',
    reason: 'tilted',
    score: {
      sort: 'roll',
      label: '|roll|°',
      value: (s) => abs(s.roll),
      cut: (t) => t.face.maxRollDeg,
      rejectAbove: true,
    },
  },
  {
    path: 'face.maxMeshYawDeg',
    label: '|yaw| max (°)',
    reason: 'turned',
    score: {
      sort: 'yaw',
      label: '|yaw|°',
      value: (s) => abs(s.yaw),
      cut: (t) => t.face.maxMeshYawDeg,
      rejectAbove: true,
    },
  },
  {
    path: 'face.maxUpscale',
    label: 'max upscale',
    reason: 'face_too_small',
    score: {
      sort: 'faceSize',
      label: 'face px',
      value: (s) => s.faceSize,
      cut: (t) => t.face.targetSize / t.face.maxUpscale,
      rejectAbove: false,
    },
  },
  { path: 'face.minFaceScore', label: 'min face score', reason: 'no_face' },
  { path: 'face.secondFaceMinScore', label: 'second face min score', reason: 'multiple_faces' },
];

/**
 * SQL selecting the only files whose decision `after` can change from `before`, when every changed
 * threshold is a cut on one stored column (photo BRISQUE null = off = no cut); null when some change
 * needs every file re-decided (face rules, symmetry's backend default). Assumes the stored decisions
 * are `before`'s, as after a filter or decide run with them.
 */
export function candidatesSql(before: Thresholds, after: Thresholds): string | null {
  const bands: string[] = [];
  for (const f of THRESHOLD_FIELDS) {
    const [a, b] = [thresholdValue(before, f.path), thresholdValue(after, f.path)];
    if (a === b) continue;
    const column = f.score?.column;
    if (!column) return null;
    const cuts = [a, b].filter((v): v is number => v !== null && Number.isFinite(v));
    if (cuts.length === 0) continue;
    const [lo, hi] = [Math.min(...cuts), Math.max(...cuts)];
    bands.push(cuts.length === 2 ? `${column} BETWEEN ${lo} AND ${hi}` : `${column} >= ${lo}`);
  }
  return bands.length ? bands.join(' OR ') : '0';
}

export function thresholdValue(t: Thresholds, path: string): number | null {
  let node: unknown = t;
  for (const key of path.split('.')) node = (node as Record<string, unknown> | null)?.[key];
  return typeof node === 'number' ? node : null;
}

/** What each threshold says about one file: its score, the cut, and whether its stored reasons name it. */
export function thresholdChecks(
  scores: GalleryScores,
  reasons: readonly string[],
  t: Thresholds,
  symmetryBackend: string | null,
) {
  return THRESHOLD_FIELDS.map((f) => ({
    path: f.path,
    reason: f.reason,
    score: f.score?.label ?? null,
    value: f.score ? f.score.value(scores) : null,
    cut: f.score ? f.score.cut(t, symmetryBackend) : thresholdValue(t, f.path),
    rejectAbove: f.score?.rejectAbove ?? null,
    decided: reasons.includes(f.reason),
  }));
}
