import { formatFailure, oneOf } from '@portrait-forge/cli';
import { ImageDecodeError } from '@portrait-forge/image-io';
import { ManifestError } from '@portrait-forge/manifest';
import { ModelCacheError } from '@portrait-forge/model-cache';
import { resolve } from 'node:path';

export const CURATE_DESCRIPTION =
  'portrait-forge curation: photos → keep/reject decisions, review report, aligned dataset';

/** Repository root: nx runs commands from there, so defaults are relative to it. */
export const DEFAULT_INPUT = 'data/samples';
export const DEFAULT_OUT = 'data/curate';
export const DEFAULT_SIZE = 256;

/** Other libraries' errors that are users' mistakes (one line, no stack). */
export const CURATE_USER_ERRORS = [ModelCacheError, ImageDecodeError, ManifestError] as const;

export const alignedSize = (value: string): number => Number(oneOf(['256', '512', '1024'])(value));

export const outDir = (out: string | undefined) => resolve(out ?? DEFAULT_OUT);

/** Prints an error (one line for users' mistakes, the stack for bugs; see libs/cli) and exits non-zero. */
export function fail(err: unknown): never {
  process.stderr.write(formatFailure('curate', err, CURATE_USER_ERRORS));
  process.exit(1);
}
