import { decideFromMeasures, FACE_REJECT_REASONS } from '@portrait-forge/face/decision';
import type { Decision, DecisionInput } from '@portrait-forge/manifest';
import { symmetryThreshold, isSilhouetteChoice } from '@portrait-forge/symmetry/thresholds';
import { FILE_PROBLEM_REASONS, parseProblem } from './problems';
import type { Thresholds } from './thresholds';

/** Reasons a file can be rejected for (face reasons come from @portrait-forge/face's decideFromMeasures). */
export const REASONS = [
  ...FILE_PROBLEM_REASONS,
  ...FACE_REJECT_REASONS,
  'blurry',
  'asymmetric',
  'align_failed',
] as const;
export type Reason = (typeof REASONS)[number];

export interface DecisionOutcome {
  decision: Decision;
  reasons: Reason[];
}

/** The symmetry cut in force: the configured one, else that of the backend that scored the file. */
export function symmetryCut(backend: string | null, thresholds: Thresholds): number | null {
  if (thresholds.symmetry !== null) return thresholds.symmetry;
  return backend && isSilhouetteChoice(backend) && backend !== 'auto' ? symmetryThreshold(backend) : null;
}

/**
 * The whole keep/reject rule, pure over stored raw scores: re-deciding never touches an image.
 * Every failing check adds its reason; kept only when there are none.
 */
export function decide(input: DecisionInput, thresholds: Thresholds): DecisionOutcome {
  if (input.decodeError) return { decision: 'reject', reasons: [parseProblem(input.decodeError).reason] };
  const reasons: Reason[] = [];
  // The face rule, once per file, over the numbers the worker measured (or the manifest stored).
  const image = { width: input.width ?? 0, height: input.height ?? 0 };
  const face = decideFromMeasures(input.faces, image, thresholds.face);
  reasons.push(...face);
  const { brisque, faceBrisque, symmetry, symmetryBackend } = input.scores;
  const blurryFace = faceBrisque !== null && faceBrisque > thresholds.faceBrisque;
  const blurryPhoto = brisque !== null && thresholds.brisque !== null && brisque > thresholds.brisque;
  if (blurryFace || blurryPhoto) reasons.push('blurry');
  const cut = symmetryCut(symmetryBackend, thresholds);
  if (symmetry !== null && cut !== null && symmetry >= cut) reasons.push('asymmetric');
  if (face.length === 0 && !input.hasAligned) reasons.push('align_failed');
  return { decision: reasons.length ? 'reject' : 'keep', reasons };
}

const sameReasons = (a: string[], b: string[]) => a.length === b.length && a.every((r, i) => r === b[i]);

export interface DecideChange {
  id: number;
  path: string;
  /** As stored (a manifest from an older build may hold reasons no longer given). */
  from: { decision: Decision; reasons: string[] };
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
