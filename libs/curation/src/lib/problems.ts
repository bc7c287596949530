import { ImageDecodeError } from '@portrait-forge/image-io';

/**
 * Why a file could not be analysed at all. Stored in `files.decode_error` as `<reason>: <detail>`;
 * the reason is also the file's one decision reason.
 */
export const FILE_PROBLEM_REASONS = [
  'unreadable',
  'not_a_file',
  'symlink_outside_input',
  'decode_error',
  'not_a_photo',
  'worker_crashed',
] as const;
export type FileProblemReason = (typeof FILE_PROBLEM_REASONS)[number];

export interface FileProblem {
  readonly reason: FileProblemReason;
  /** For people: what is wrong and, where there is one, the fix. */
  readonly detail: string;
}

export const fileProblem = (reason: FileProblemReason, detail: string): FileProblem => ({ reason, detail });

/** The stored form, `<reason>: <detail>`. */
export const formatProblem = (p: FileProblem): string => `${p.reason}: ${p.detail}`;

const isProblemReason = (text: string): text is FileProblemReason =>
  (FILE_PROBLEM_REASONS as readonly string[]).includes(text);

/** Reads the stored form back; text without a known reason (older builds) is a `decode_error`. */
export function parseProblem(stored: string): FileProblem {
  const at = stored.indexOf(':');
  const reason = at < 0 ? stored : stored.slice(0, at);
  return isProblemReason(reason)
    ? { reason, detail: at < 0 ? '' : stored.slice(at + 1).trimStart() }
    : { reason: 'decode_error', detail: stored };
}

/** The worker running a file died (native crash, out of memory), on its first try and again alone. */
export class WorkerCrashedError extends Error {
  constructor(
    readonly path: string,
    readonly detail: string,
  ) {
    super(`worker crashed twice on ${path}, the second time running alone: ${detail}`);
    this.name = 'WorkerCrashedError';
  }
}

/** The problem an analysis failure stands for (a decoder's own problem kind when it gives one). */
export function problemOf(err: unknown): FileProblem {
  const text = (err instanceof Error ? err.message : String(err)).split('\n')[0];
  if (err instanceof WorkerCrashedError) return fileProblem('worker_crashed', text);
  if (err instanceof ImageDecodeError) return fileProblem(err.problem, err.reason);
  return fileProblem('decode_error', text);
}

/** Why symmetry has no score; stored in `files.symmetry_note` as `not_scored: <detail>`. */
export interface SymmetryNotScored {
  readonly status: 'not_scored';
  readonly detail: string;
}

export const symmetryNotScored = (detail: string): SymmetryNotScored => ({ status: 'not_scored', detail });

export const formatSymmetryNote = (note: SymmetryNotScored): string => `${note.status}: ${note.detail}`;
