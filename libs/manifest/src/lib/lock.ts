import { closeSync, linkSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { z } from 'zod';
import { ManifestError } from './errors';

/** Who holds a manifest's lock, as recorded in `<manifest>.lock`. */
export const LockHolderSchema = z.object({
  pid: z.number().int().positive(),
  host: z.string(),
  startedAt: z.string(),
  /** What the holder is doing (`filter`, `merge`, `decide` …), for the refusal message. */
  command: z.string(),
});
export type LockHolder = z.infer<typeof LockHolderSchema>;

/** A second writer was refused: the message names the holder and how to clear a lock left by another host. */
export class ManifestLockedError extends ManifestError {
  constructor(
    readonly lockFile: string,
    readonly holder: LockHolder,
  ) {
    super(
      `${lockFile}: the manifest is being written by \`${holder.command}\` (pid ${holder.pid} on ${holder.host}, since ${holder.startedAt}); wait for it to finish, or, if that process is gone (e.g. its machine was lost), delete ${lockFile}`,
    );
  }
}

export const lockFileOf = (manifestFile: string): string => `${manifestFile}.lock`;

/** True when `pid` is no longer a live process on this host (signal 0 probes without signalling). */
function isDead(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    // EPERM: alive but another user's.
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

function readHolder(lockFile: string): LockHolder | null {
  let text: string;
  try {
    text = readFileSync(lockFile, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  const parsed = LockHolderSchema.safeParse(safeJson(text));
  // A lock file half-written by a holder killed in the few µs between create and write: treat as stale.
  return parsed.success
    ? parsed.data
    : { pid: 0, host: hostname(), startedAt: '?', command: 'unreadable lock' };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

const sameHolder = (a: LockHolder | null, b: LockHolder) =>
  a !== null && a.pid === b.pid && a.host === b.host && a.startedAt === b.startedAt;

/**
 * Moves a stale lock aside (rename is atomic, so of two processes taking over at once only one gets
 * it); if what was moved is not the stale lock seen (another process replaced it meanwhile), puts it back.
 */
function takeOver(file: string, stale: LockHolder): boolean {
  const aside = `${file}.stale-${process.pid}`;
  try {
    renameSync(file, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
  const moved = readHolder(aside);
  if (!sameHolder(moved, stale)) {
    try {
      linkSync(aside, file);
    } catch {
      /* someone else holds the lock now; theirs stands */
    }
  }
  rmSync(aside, { force: true });
  return sameHolder(moved, stale);
}

/** A held lock; `release` removes the lock file (only if it is still this holder's). */
export interface ManifestLock {
  readonly file: string;
  readonly holder: LockHolder;
  release(): void;
}

/**
 * Takes the one-writer lock of `manifestFile`: `<manifest>.lock`, created exclusively (O_EXCL) with the
 * holder's pid, host and start time. A lock whose pid is dead on this host is stale: it is taken over
 * and `log` says so. A live holder, or one on another host (its pid cannot be checked from here),
 * refuses with ManifestLockedError.
 */
export function lockManifest(
  manifestFile: string,
  command: string,
  log: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): ManifestLock {
  const file = lockFileOf(manifestFile);
  const holder: LockHolder = {
    pid: process.pid,
    host: hostname(),
    startedAt: new Date().toISOString(),
    command,
  };
  for (let attempt = 0; attempt < 3; attempt++) {
    let fd: number;
    try {
      fd = openSync(file, 'wx');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const current = readHolder(file);
      if (current === null) continue;
      const stale = current.host === holder.host && (current.pid === 0 || isDead(current.pid));
      if (!stale) throw new ManifestLockedError(file, current);
      if (takeOver(file, current))
        log(
          `${file}: took over a stale lock of \`${current.command}\` (pid ${current.pid} on ${current.host}, since ${current.startedAt}; that process is gone)`,
        );
      continue;
    }
    try {
      writeSync(fd, JSON.stringify(holder));
    } finally {
      closeSync(fd);
    }
    return {
      file,
      holder,
      release: () => {
        if (sameHolder(readHolder(file), holder)) rmSync(file, { force: true });
      },
    };
  }
  throw new ManifestError(`${file}: could not take the lock (it kept changing hands); retry`);
}

/** Runs `fn` holding the manifest's lock, released however `fn` ends. */
export async function withManifestLock<T>(
  manifestFile: string,
  command: string,
  fn: () => T | Promise<T>,
  log?: (line: string) => void,
): Promise<T> {
  const lock = lockManifest(manifestFile, command, log);
  try {
    return await fn();
  } finally {
    lock.release();
  }
}
