import type { Manifest } from '@portrait-forge/manifest';
import { z } from 'zod';
import { checked } from './checked';
import { writeDecisionsCsv } from './csv';

/** The file the report's "Export choices" button saves; `curate review --apply FILE` reads it. */
export const ReviewFileSchema = z.object({
  format: z.literal('portrait-forge-review'),
  version: z.literal(1).default(1),
  overrides: z.array(
    z.object({
      path: z.string(),
      /** null clears an earlier override. */
      decision: z.enum(['keep', 'reject']).nullable(),
      note: z.string().optional(),
    }),
  ),
});
export type ReviewFile = z.output<typeof ReviewFileSchema>;

const FIX =
  'expected {"format":"portrait-forge-review","version":1,"overrides":[{"path": string, "decision": "keep"|"reject"|null}]}; export it again from the report';

/** Parses and checks a review export; errors name the file, the entry and what is wrong. */
export function parseReview(text: string, label: string): ReviewFile {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new Error(
      `${label}: not JSON (${err instanceof Error ? err.message : err}); export it again from the report`,
    );
  }
  return checked(ReviewFileSchema, data, label, FIX);
}

/**
 * The `review --apply` command: stores the file's choices as overrides (a `review` run row; notes
 * default to `review <label>`) and rewrites decisions.csv. Returns the paths not in the manifest.
 */
export function applyReview(
  manifest: Manifest,
  review: ReviewFile,
  label: string,
): { stored: number; missing: string[] } {
  const run = manifest.startRun({
    kind: 'review',
    inputRoot: null,
    config: { file: label },
    thresholds: {},
    versions: {},
  });
  const missing = manifest.setOverrides(
    review.overrides.map((o) => ({ ...o, note: o.note ?? `review ${label}` })),
  );
  const stored = review.overrides.length - missing.length;
  manifest.endRun(run, { overrides: stored, unknown: missing.length });
  writeDecisionsCsv(manifest);
  return { stored, missing };
}
