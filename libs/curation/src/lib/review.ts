import { z } from 'zod';
import { checked } from './checked';

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
