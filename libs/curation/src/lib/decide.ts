import { describeImageProblem, type FaceConfig } from '@portrait-forge/face';
import type { Decision, DecisionFace, DecisionInput, FileRecord } from '@portrait-forge/manifest';
import { symmetryThreshold, isSilhouetteChoice } from '@portrait-forge/symmetry';
import type { Thresholds } from './thresholds';

/** Reasons a file can be rejected for (face reasons come from @portrait-forge/face's decideFace). */
export const REASONS = [
  'unreadable',
  'not_a_file',
  'symlink_outside_input',
  'decode_error',
  'worker_crashed',
  'bad_image',
  'no_face',
  'multiple_faces',
  'face_too_small',
  'tilted',
  'turned',
  'blurry',
  'asymmetric',
  'align_failed',
] as const;
export type Reason = (typeof REASONS)[number];

export interface DecisionOutcome {
  decision: Decision;
  reasons: string[];
}

/**
 * `decode_error` column format: `<reason>: <text for people>`; the reason is one of REASONS
 * (unreadable, not_a_file, symlink_outside_input, decode_error, worker_crashed).
 */
export function errorReason(decodeError: string): string {
  const code = decodeError.split(':', 1)[0];
  return (REASONS as readonly string[]).includes(code) ? code : 'decode_error';
}

/**
 * @portrait-forge/face's decideFace rule, evaluated on the per-face measures stored at filter time
 * (score, box height, roll, yaw, seed-rule values, FFHQ qsize) instead of on landmarks, so that
 * re-deciding 100 000 rows stays far under a second. decide.spec.ts checks it agrees with decideFace.
 */
export function faceReasons(
  faces: readonly DecisionFace[],
  width: number,
  height: number,
  config: FaceConfig,
): string[] {
  if (describeImageProblem({ width, height })) return ['bad_image'];
  let primary: DecisionFace | null = null;
  for (const f of faces)
    if (f.score >= config.minFaceScore && (!primary || f.score > primary.score)) primary = f;
  if (!primary) return ['no_face'];
  const p = primary;
  const reasons: string[] = [];
  const significant = (f: DecisionFace) =>
    f !== p &&
    f.score >= config.secondFaceMinScore &&
    f.boxHeight / p.boxHeight >= config.secondFaceMinRelativeSize;
  if (faces.some(significant)) reasons.push('multiple_faces');
  if (!((p.qsize ?? 0) * config.maxUpscale >= config.targetSize)) reasons.push('face_too_small');
  if (
    !(
      Math.abs(p.roll ?? Infinity) <= config.maxRollDeg &&
      (p.eyeDyPct ?? Infinity) < config.seedEyesVDeltaPercentMax
    )
  ) {
    reasons.push('tilted');
  }
  if (
    !(
      Math.abs(p.yaw ?? Infinity) <= config.maxYawDeg &&
      (p.centerDeltaPct ?? Infinity) < config.seedDeltaOffsetPercentMax
    )
  ) {
    reasons.push('turned');
  }
  return reasons;
}

function symmetryCut(backend: string | null, thresholds: Thresholds): number | null {
  if (thresholds.symmetry !== null) return thresholds.symmetry;
  return backend && isSilhouetteChoice(backend) && backend !== 'auto' ? symmetryThreshold(backend) : null;
}

/**
 * The whole keep/reject rule, pure over stored raw scores: re-deciding never touches an image.
 * Every failing check adds its reason; kept only when there are none.
 */
export function decide(input: DecisionInput, thresholds: Thresholds): DecisionOutcome {
  if (input.decodeError) return { decision: 'reject', reasons: [errorReason(input.decodeError)] };
  const reasons: string[] = [];
  const face = faceReasons(input.faces, input.width ?? 0, input.height ?? 0, thresholds.face);
  reasons.push(...face);
  const { brisque, symmetry, symmetryBackend } = input.scores;
  if (brisque !== null && brisque > thresholds.brisque) reasons.push('blurry');
  const cut = symmetryCut(symmetryBackend, thresholds);
  if (symmetry !== null && cut !== null && symmetry >= cut) reasons.push('asymmetric');
  if (face.length === 0 && !input.hasAligned) reasons.push('align_failed');
  return { decision: reasons.length ? 'reject' : 'keep', reasons };
}

/** The decision input of a freshly analysed record (same shape the manifest gives back). */
export function toDecisionInput(record: FileRecord, id = 0): DecisionInput {
  return {
    id,
    path: record.path,
    width: record.width,
    height: record.height,
    decodeError: record.decodeError,
    scores: record.scores,
    faces: record.faces.map((f) => ({
      score: f.score,
      boxHeight: f.box.height,
      roll: f.roll,
      yaw: f.yaw,
      eyeDyPct: f.eyeDyPct,
      centerDeltaPct: f.centerDeltaPct,
      qsize: f.qsize,
    })),
    hasAligned: record.alignedPath !== null,
    decision: record.decision,
    reasons: record.reasons,
  };
}

const sameReasons = (a: string[], b: string[]) => a.length === b.length && a.every((r, i) => r === b[i]);

export interface DecideChange {
  id: number;
  path: string;
  from: DecisionOutcome;
  to: DecisionOutcome;
}

/** Re-decides every row; returns the new outcomes and what changed. */
export function decideAll(
  inputs: DecisionInput[],
  thresholds: Thresholds,
): { outcomes: Array<DecisionOutcome & { id: number }>; changes: DecideChange[] } {
  const outcomes: Array<DecisionOutcome & { id: number }> = [];
  const changes: DecideChange[] = [];
  for (const input of inputs) {
    const to = decide(input, thresholds);
    outcomes.push({ id: input.id, ...to });
    if (to.decision !== input.decision || !sameReasons(to.reasons, input.reasons)) {
      changes.push({
        id: input.id,
        path: input.path,
        from: { decision: input.decision, reasons: input.reasons },
        to,
      });
    }
  }
  return { outcomes, changes };
}
