import { z } from 'zod';

const shown = (value: unknown): string =>
  typeof value === 'number' || value === undefined ? String(value) : JSON.stringify(value);

/** A number that must be finite; the message shows what was given instead. */
export const finiteNumber = () =>
  z.number({ error: (issue) => `expected a finite number, got ${shown(issue.input)}` });

/**
 * Parses `value` with `schema`; on failure throws one error naming the input, every bad field with
 * its value, and the fix.
 */
export function checked<S extends z.ZodType>(
  schema: S,
  value: unknown,
  label: string,
  fix: string,
): z.output<S> {
  const result = schema.safeParse(value, { reportInput: true });
  if (result.success) return result.data;
  const fields = result.error.issues.map((issue) => {
    const at = issue.path.length ? issue.path.join('.') : '(top level)';
    return issue.code === 'unrecognized_keys'
      ? `${at}: unknown key(s) ${issue.keys.join(', ')}`
      : `${at}: ${issue.message}`;
  });
  throw new Error(`${label}: ${fields.join('; ')} — ${fix}`);
}
