import type { Decision } from '@portrait-forge/manifest';

/** The file the report's "Export choices" button saves; `curate review --apply FILE` reads it. */
export interface ReviewFile {
  format: 'portrait-forge-review';
  version: 1;
  overrides: Array<{ path: string; decision: Decision | null; note?: string }>;
}

/** Parses and checks a review export; errors name the entry and what is wrong. */
export function parseReview(text: string, label: string): ReviewFile {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new Error(
      `${label}: not JSON (${err instanceof Error ? err.message : err}); export it again from the report`,
    );
  }
  const obj = data as Partial<ReviewFile>;
  if (obj?.format !== 'portrait-forge-review' || !Array.isArray(obj.overrides)) {
    throw new Error(
      `${label}: not a portrait-forge review export (expected {"format":"portrait-forge-review","overrides":[…]})`,
    );
  }
  obj.overrides.forEach((o, i) => {
    if (
      typeof o?.path !== 'string' ||
      !(o.decision === 'keep' || o.decision === 'reject' || o.decision === null)
    ) {
      throw new Error(`${label}: overrides[${i}] needs {"path": string, "decision": "keep"|"reject"|null}`);
    }
  });
  return { format: 'portrait-forge-review', version: 1, overrides: obj.overrides };
}
