import { writeFileAtomic } from '@portrait-forge/files';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ManifestError } from '@portrait-forge/manifest';
import { z } from 'zod';
import { sha256 } from './hash';

/** One part of a partition of the input: `index` in 0…count-1. */
export interface Shard {
  index: number;
  count: number;
}

/** Shard outputs live under `<out>/shards/<K>-of-<N>/`; `curate merge --out <out>` gathers them. */
export const SHARDS_DIR = 'shards';
/** A shard's completion marker, written atomically once its manifest and decisions.csv are complete. */
export const SHARD_DONE_FILE = 'done.json';

/**
 * Where the index of `--shard auto/N` comes from: a Kubernetes Indexed Job's pod index (0-based), or a
 * Slurm array task id (minus the array's first id, so `--array=1-8` works as well as `--array=0-7`).
 */
export const SHARD_INDEX_VARIABLES = ['JOB_COMPLETION_INDEX', 'SLURM_ARRAY_TASK_ID'] as const;

/** The shard a file belongs to: a hash of its path relative to the input root, so walk order and machine do not matter. */
export function shardOf(relativePath: string, count: number): number {
  return Buffer.from(sha256(Buffer.from(relativePath, 'utf8')).slice(0, 8), 'hex').readUInt32BE(0) % count;
}

export const shardLabel = (s: Shard): string => `${s.index}/${s.count}`;
export const shardDirName = (s: Shard): string => `${s.index}-of-${s.count}`;
const SHARD_DIR_RE = /^(\d+)-of-(\d+)$/;

/**
 * Parses `K/N` (K in 0…N-1) or `auto/N` (K from the scheduler's environment, see SHARD_INDEX_VARIABLES).
 * Errors name the flag and the fix.
 */
export function parseShard(value: string, env: NodeJS.ProcessEnv = process.env): Shard {
  const m = /^(auto|\d+)\/(\d+)$/.exec(value.trim());
  if (!m) throw new Error(`--shard ${value}: expected K/N (e.g. 0/8) or auto/N`);
  const count = Number(m[2]);
  if (count < 1) throw new Error(`--shard ${value}: N must be at least 1`);
  let index: number;
  if (m[1] === 'auto') {
    const k8s = env['JOB_COMPLETION_INDEX'];
    const slurm = env['SLURM_ARRAY_TASK_ID'];
    if (k8s !== undefined && k8s !== '') index = Number(k8s);
    else if (slurm !== undefined && slurm !== '')
      index = Number(slurm) - Number(env['SLURM_ARRAY_TASK_MIN'] ?? 0);
    else
      throw new Error(
        `--shard ${value}: neither ${SHARD_INDEX_VARIABLES.join(' nor ')} is set; run it as a Slurm array task or a Kubernetes Indexed Job, or pass --shard K/${count}`,
      );
    if (!Number.isInteger(index))
      throw new Error(`--shard ${value}: the scheduler's index is not an integer (${k8s ?? slurm})`);
  } else index = Number(m[1]);
  if (index < 0 || index >= count)
    throw new Error(`--shard ${value}: K=${index} is outside 0…${count - 1} (shards are numbered from 0)`);
  return { index, count };
}

export const ShardDoneSchema = z.object({
  shard: z.string(),
  inputRoot: z.string(),
  finishedAt: z.string(),
  counts: z.record(z.string(), z.number()),
});
export type ShardDone = z.infer<typeof ShardDoneSchema>;

export function writeShardDone(shardDir: string, done: ShardDone): void {
  writeFileAtomic(join(shardDir, SHARD_DONE_FILE), JSON.stringify(done, null, 2) + '\n');
}

/** The shard's completion marker, or null while it has not finished. */
export function readShardDone(shardDir: string): ShardDone | null {
  const file = join(shardDir, SHARD_DONE_FILE);
  if (!existsSync(file)) return null;
  const parsed = ShardDoneSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success)
    throw new ManifestError(
      `${file}: unreadable completion marker (${z.prettifyError(parsed.error)}); delete it and re-run the shard`,
    );
  return parsed.data;
}

export interface ShardDir {
  shard: Shard;
  dir: string;
  done: ShardDone | null;
}

/** Every `<out>/shards/K-of-N` folder, by index; refuses a mix of shard counts. */
export function listShardDirs(out: string): ShardDir[] {
  const root = join(out, SHARDS_DIR);
  if (!existsSync(root)) return [];
  const dirs = readdirSync(root)
    .map((name) => ({ name, m: SHARD_DIR_RE.exec(name) }))
    .filter((d): d is { name: string; m: RegExpExecArray } => d.m !== null)
    .map(({ name, m }) => {
      const dir = join(root, name);
      return { shard: { index: Number(m[1]), count: Number(m[2]) }, dir, done: readShardDone(dir) };
    })
    .sort((a, b) => a.shard.index - b.shard.index);
  const counts = [...new Set(dirs.map((d) => d.shard.count))];
  if (counts.length > 1)
    throw new ManifestError(
      `${root}: shards of different counts (${counts.map((n) => `…-of-${n}`).join(', ')}); keep one --shard N and move the others aside`,
    );
  return dirs;
}
