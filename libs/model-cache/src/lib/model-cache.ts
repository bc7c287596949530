import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, join } from 'node:path';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import cliProgress from 'cli-progress';
import { replaceFileAtomic } from '@portrait-forge/files';

/** A model file pinned by URL, exact byte size and sha256. */
export interface ModelSpec {
  /** Short identifier, used in messages (`u2netp`, `inception-v3`). */
  name: string;
  url: string;
  bytes: number;
  /** Lower-case hex sha256 of the file. */
  sha256: string;
  /** File name inside the cache dir; defaults to the URL's last path segment. */
  fileName?: string;
}

export interface EnsureModelOptions {
  /** Use this file instead of the cache (no download). Its checksum is checked; a mismatch only warns. */
  localPath?: string;
  /** Defaults to `resolveCacheDir()`. */
  cacheDir?: string;
  /** `false` = never touch the network; a missing file is an error. Default true. */
  allowDownload?: boolean;
  /** How the user passes a local file to the calling command, e.g. `--u2net-model PATH`. */
  overrideHint?: string;
  /** Progress bar on stderr: default when stderr is a TTY. */
  progress?: boolean;
  log?: (line: string) => void;
}

export class ModelCacheError extends Error {
  constructor(
    message: string,
    readonly spec: ModelSpec,
    readonly path?: string,
  ) {
    super(message);
    this.name = 'ModelCacheError';
  }
}

/** `$PORTRAIT_FORGE_MODELS`, else `$XDG_CACHE_HOME/portrait-forge`, else `~/.cache/portrait-forge`. */
export function resolveCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const explicit = env['PORTRAIT_FORGE_MODELS'];
  if (explicit) return explicit;
  return join(env['XDG_CACHE_HOME'] || join(homedir(), '.cache'), 'portrait-forge');
}

export function modelCachePath(spec: ModelSpec, cacheDir = resolveCacheDir()): string {
  return join(cacheDir, spec.fileName ?? basename(new URL(spec.url).pathname));
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

async function fileSize(path: string): Promise<number | undefined> {
  try {
    const info = await stat(path);
    return info.isFile() ? info.size : undefined;
  } catch {
    return undefined;
  }
}

function manualFix(spec: ModelSpec, target: string, overrideHint?: string): string {
  const pass = overrideHint
    ? ` and pass ${overrideHint}, or copy it to ${target}`
    : ` and copy it to ${target}`;
  return `Fix: download it yourself from ${spec.url} (${spec.bytes} bytes, sha256 ${spec.sha256})${pass}.`;
}

/** Verified per process, so a 170 MB file is hashed once, not once per call. */
const verified = new Map<string, string>();

async function isValidCached(spec: ModelSpec, path: string): Promise<boolean> {
  if (verified.get(path) === spec.sha256) return true;
  if ((await fileSize(path)) !== spec.bytes) return false;
  if ((await sha256File(path)) !== spec.sha256) return false;
  verified.set(path, spec.sha256);
  return true;
}

async function useLocalFile(spec: ModelSpec, path: string, log: (line: string) => void): Promise<string> {
  const size = await fileSize(path);
  if (size === undefined) {
    throw new ModelCacheError(
      `${spec.name}: model file ${path} does not exist or is not a file. Fix: point to the downloaded ${basename(new URL(spec.url).pathname)} (from ${spec.url}).`,
      spec,
      path,
    );
  }
  const sha = await sha256File(path);
  if (sha !== spec.sha256) {
    log(`${spec.name}: ${path} has sha256 ${sha}, not the pinned ${spec.sha256}; using it as given`);
  }
  return path;
}

function progressBar(spec: ModelSpec, total: number): cliProgress.SingleBar {
  const bar = new cliProgress.SingleBar(
    {
      format: `${spec.name} [{bar}] {percentage}% | {value}/{total} bytes | ETA {eta_formatted}`,
      stream: process.stderr,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0);
  return bar;
}

async function download(spec: ModelSpec, target: string, opts: EnsureModelOptions): Promise<void> {
  const fix = manualFix(spec, target, opts.overrideHint);
  let response: Response;
  try {
    response = await fetch(spec.url, { redirect: 'follow' });
  } catch (error) {
    const cause =
      error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error);
    throw new ModelCacheError(`${spec.name}: cannot reach ${spec.url} (${cause}). ${fix}`, spec, target);
  }
  if (!response.ok || !response.body) {
    throw new ModelCacheError(
      `${spec.name}: download of ${spec.url} failed with HTTP ${response.status} ${response.statusText}. ${fix}`,
      spec,
      target,
    );
  }
  const hash = createHash('sha256');
  let received = 0;
  const showBar = opts.progress ?? Boolean(process.stderr.isTTY);
  const bar = showBar ? progressBar(spec, spec.bytes) : undefined;
  const meter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      received += chunk.length;
      hash.update(chunk);
      bar?.update(received);
      done(null, chunk);
    },
  });
  // Temp file beside the target, renamed only after the sha256 check: no half-written or wrong model
  // ever has the final name.
  await replaceFileAtomic(
    target,
    async (temp) => {
      try {
        await pipeline(
          Readable.fromWeb(response.body as WebReadableStream<Uint8Array>),
          meter,
          createWriteStream(temp),
        );
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new ModelCacheError(
          `${spec.name}: download of ${spec.url} broke off after ${received} of ${spec.bytes} bytes (${reason}). Re-run to retry. ${fix}`,
          spec,
          target,
        );
      } finally {
        bar?.stop();
      }
      const sha = hash.digest('hex');
      if (received !== spec.bytes || sha !== spec.sha256) {
        const what =
          received !== spec.bytes
            ? `${received} bytes instead of ${spec.bytes} (truncated or changed upstream)`
            : `sha256 ${sha} instead of ${spec.sha256}`;
        throw new ModelCacheError(
          `${spec.name}: ${spec.url} delivered ${what}; nothing was cached. ${fix}`,
          spec,
          target,
        );
      }
    },
    { mkdir: true },
  );
  verified.set(target, spec.sha256);
}

/**
 * Returns the path of a verified copy of `spec`: `opts.localPath` if given, else the cache file,
 * downloading (temp file + sha256 check + atomic rename) when it is missing or corrupt.
 */
export async function ensureModel(spec: ModelSpec, opts: EnsureModelOptions = {}): Promise<string> {
  const log = opts.log ?? ((line: string) => console.error(line));
  if (opts.localPath) return useLocalFile(spec, opts.localPath, log);
  const target = modelCachePath(spec, opts.cacheDir);
  if (await isValidCached(spec, target)) return target;
  const present = (await fileSize(target)) !== undefined;
  if (opts.allowDownload === false) {
    const state = present ? 'is corrupt (size or sha256 differs)' : 'is not in the cache';
    throw new ModelCacheError(
      `${spec.name}: ${target} ${state} and downloads are disabled. ${manualFix(spec, target, opts.overrideHint)}`,
      spec,
      target,
    );
  }
  log(
    `${spec.name}: ${present ? 'cached copy is corrupt, re-downloading' : 'downloading'} ${spec.url} → ${target}`,
  );
  await download(spec, target, opts);
  return target;
}

/** Forget which files were verified in this process (tests). */
export function clearVerifiedCache(): void {
  verified.clear();
}
