import { realpath } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep, win32 } from 'node:path';

/** `path` relative to `root` when it lies strictly inside it, else null. */
function within(root: string, path: string): string | null {
  const rel = relative(root, path);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel) ? rel : null;
}

export type Resolved =
  | { ok: true; root: string; relative: string }
  | { ok: false; why: 'outside' | 'missing' };

/**
 * Where a stored relative path leads under `root`. Refused (`outside`) when absolute (POSIX or
 * Windows), climbing out with `..`, or leading outside through a symlink: a tampered manifest row
 * can hold any string, so nothing in it is trusted. Both sides are compared after realpath.
 */
export async function resolveInside(root: string, stored: string): Promise<Resolved> {
  if (!stored || stored.includes('\0') || isAbsolute(stored) || win32.isAbsolute(stored)) {
    return { ok: false, why: 'outside' };
  }
  const lexical = resolve(root, stored);
  if (within(resolve(root), lexical) === null) return { ok: false, why: 'outside' };
  let realRoot: string, realFile: string;
  try {
    [realRoot, realFile] = await Promise.all([realpath(root), realpath(lexical)]);
  } catch {
    return { ok: false, why: 'missing' };
  }
  const rel = within(realRoot, realFile);
  return rel === null ? { ok: false, why: 'outside' } : { ok: true, root: realRoot, relative: rel };
}
