import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Called with the running byte count while writing, so tests can simulate a crash or a full disk mid-write. */
export type WriteHook = (bytesWritten: number) => void;

export interface AtomicWriteOptions {
  /** Fault injection for tests (see WriteHook). */
  hook?: WriteHook;
  /** Create the target's directory first (default false: a missing directory is an error). */
  mkdir?: boolean;
}

/**
 * `.NAME.PID-RANDOM.tmp` beside the target: same directory, so the final rename is atomic; the random
 * part keeps worker threads (one pid) writing the same target apart.
 */
export function atomicTempPath(file: string): string {
  return join(dirname(file), `.${basename(file)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
}

/** True for temp files left by a write of `name` (any process) that was killed mid-way. */
export function isAtomicTempOf(tempName: string, namePattern: RegExp): boolean {
  const m = /^\.(.+)\.\d+-[0-9a-f]{8}\.tmp$/.exec(tempName);
  return m !== null && namePattern.test(m[1]);
}

const CHUNK = 1 << 20;

/** What writeFileAtomic writes: a string (UTF-8), bytes, or chunks (an iterable streams: one chunk in memory at a time). */
export type AtomicData = string | Uint8Array | Iterable<Uint8Array>;

function toChunks(data: AtomicData): Iterable<Uint8Array> {
  if (typeof data === 'string') return [Buffer.from(data, 'utf8')];
  return data instanceof Uint8Array ? [data] : data;
}

function fsyncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes `file` atomically: a temp file in the same directory, fsync, rename over the target, fsync the
 * directory. A crash or ENOSPC at any point leaves the previous file untouched (the temp is removed on error).
 */
export function writeFileAtomic(file: string, data: AtomicData, opts: AtomicWriteOptions = {}): void {
  if (opts.mkdir) mkdirSync(dirname(file), { recursive: true });
  const tmp = atomicTempPath(file);
  const fd = openSync(tmp, 'w');
  try {
    let written = 0;
    for (const chunk of toChunks(data)) {
      let off = 0;
      while (off < chunk.length) {
        const n = writeSync(fd, chunk, off, Math.min(chunk.length - off, CHUNK));
        off += n;
        written += n;
        opts.hook?.(written);
      }
    }
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw err;
  }
  closeSync(fd);
  renameSync(tmp, file);
  fsyncDir(dirname(file));
}

/**
 * The async form, for writers that stream (downloads, zips) and for callers that go on working while
 * the disk syncs (curation's crops): `write(tmp)` fills the temp path; when it resolves the temp is
 * fsynced and renamed over `file`, then the directory is fsynced; when it throws, the temp is removed and `file`
 * is untouched. `write` may throw after writing to reject the content (e.g. a checksum mismatch).
 */
export async function replaceFileAtomic(
  file: string,
  write: (tempPath: string) => Promise<void>,
  opts: Pick<AtomicWriteOptions, 'mkdir'> = {},
): Promise<void> {
  if (opts.mkdir) mkdirSync(dirname(file), { recursive: true });
  const tmp = atomicTempPath(file);
  try {
    await write(tmp);
    const handle = await open(tmp, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  const dir = await open(dirname(file), 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}
