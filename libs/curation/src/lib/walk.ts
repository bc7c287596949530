import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import { isImageFile } from '@portrait-forge/image-io';
import { join, relative, sep } from 'node:path';
import { fileProblem, type FileProblem } from './problems';

export type WalkEntry =
  | { kind: 'file'; path: string; absolute: string; size: number; mtimeMs: number }
  /** An image-named entry that cannot be processed. */
  | { kind: 'problem'; path: string; absolute: string; size: number; mtimeMs: number; problem: FileProblem };

export interface WalkResult {
  entries: WalkEntry[];
  /** Files skipped because their extension is not an image one. */
  ignored: number;
}

const isInside = (root: string, target: string) => target === root || target.startsWith(root + sep);
const toPosix = (p: string) => p.split(sep).join('/');

/**
 * Lists every image-named file under `root`, recursively, sorted by relative path. Symlinks are
 * followed only while they stay inside the root (a link out of it becomes a `symlink_outside_input`
 * problem), each real directory is visited once (no loops), and special files become `not_a_file`.
 */
export async function walkImages(root: string): Promise<WalkResult> {
  const realRoot = await realpath(root);
  const entries: WalkEntry[] = [];
  const visitedDirs = new Set<string>();
  let ignored = 0;

  async function visit(dir: string): Promise<void> {
    const real = await realpath(dir);
    if (visitedDirs.has(real)) return;
    visitedDirs.add(real);
    const names = (await readdir(dir)).sort();
    for (const name of names) {
      const absolute = join(dir, name);
      const path = toPosix(relative(root, absolute));
      const link = await lstat(absolute);
      const linkProblem = (problem: FileProblem) =>
        entries.push({ kind: 'problem', path, absolute, size: 0, mtimeMs: link.mtimeMs, problem });
      let info = link;
      if (link.isSymbolicLink()) {
        const target = await realpath(absolute).catch(() => null);
        if (target === null) {
          if (isImageFile(name)) {
            linkProblem(fileProblem('unreadable', 'broken symlink (its target does not exist)'));
          } else ignored++;
          continue;
        }
        if (!isInside(realRoot, target)) {
          linkProblem(
            fileProblem(
              'symlink_outside_input',
              `points to ${target}, outside the input folder; not followed`,
            ),
          );
          continue;
        }
        info = await stat(absolute);
      }
      if (info.isDirectory()) {
        await visit(absolute);
        continue;
      }
      if (!isImageFile(name)) {
        ignored++;
        continue;
      }
      if (!info.isFile()) {
        entries.push({
          kind: 'problem',
          path,
          absolute,
          size: 0,
          mtimeMs: info.mtimeMs,
          problem: fileProblem('not_a_file', 'a special file (FIFO, socket or device), not a regular file'),
        });
        continue;
      }
      entries.push({ kind: 'file', path, absolute, size: info.size, mtimeMs: info.mtimeMs });
    }
  }

  await visit(root);
  entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { entries, ignored };
}
