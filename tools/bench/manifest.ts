/**
 * The manifest at 1 M rows (issue 20): 8 shard manifests of 125 k rows (one face with 68 landmarks
 * per row, realistic score spreads) merged with `curate merge`'s code, then the merged manifest's
 * file size, a full `decide` (re-decide every row, store, rewrite decisions.csv), the trainer's
 * `kept` read and its dataset.json freeze (hashing every kept crop) and resume check. Prints seconds and sizes.
 * Run: nice -n 10 npx tsx tools/bench/manifest.ts [--rows 1000000] [--shards 8] [--reuse]
 * (--reuse: the last run's merged manifest under tmp/manifest-bench, timing only the trainer's reads.)
 */
import { defaultThresholds, mergeShards, redecide, storedThresholds } from '@portrait-forge/curation';
import { Manifest, type FileRecord } from '@portrait-forge/manifest';
import { filterRun, syntheticFileRecord } from '@portrait-forge/manifest/testing';
import { freezeDataset, readDatasetList, verifyFrozenCrops } from '@portrait-forge/training';
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, linkSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');
const DIR = join(ROOT, 'tmp/manifest-bench');
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const ROWS = arg('--rows', 1_000_000);
const SHARDS = arg('--shards', 8);
const PER_SHARD = Math.ceil(ROWS / SHARDS);
/** A 256² RGB aligned crop as curate writes it (PNG) is ~120 KB. */
const CROP_BYTES = 120_000;

/** Deterministic pseudo-random numbers (mulberry32), so every run builds the same manifests. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const seconds = (t0: number) => ((performance.now() - t0) / 1000).toFixed(2);
const mb = (file: string) => (statSync(file).size / 2 ** 20).toFixed(0);

/** Shard 0 written through Manifest.writeFiles; the others are copies with their own paths and hashes. */
function buildShards(): string[] {
  const thresholds = defaultThresholds(256);
  const dirs = Array.from({ length: SHARDS }, (_, k) => join(DIR, 'shards', `${k}-of-${SHARDS}`));
  const first = join(dirs[0], 'manifest.sqlite');
  mkdirSync(dirs[0], { recursive: true });
  const t0 = performance.now();
  const m = Manifest.open(first);
  const input = join(DIR, 'in');
  const runId = m.startRun(
    filterRun(input, {
      config: { resume: true, photoBrisque: true, shard: `0/${SHARDS}` },
      thresholds: { ...thresholds },
    }),
  );
  const random = rng(17);
  for (let start = 0; start < PER_SHARD; start += 5000) {
    const batch: FileRecord[] = [];
    for (let i = start; i < Math.min(PER_SHARD, start + 5000); i++)
      batch.push(syntheticFileRecord(i, random, thresholds.faceBrisque));
    m.writeFiles(batch, runId);
  }
  m.endRun(runId, { files: PER_SHARD });
  m.close();
  console.log(`wrote shard 0 (${PER_SHARD} rows) through Manifest.writeFiles in ${seconds(t0)} s`);
  for (let k = 1; k < SHARDS; k++) {
    mkdirSync(dirs[k], { recursive: true });
    const file = join(dirs[k], 'manifest.sqlite');
    copyFileSync(first, file);
    const db = new Database(file);
    db.prepare(`UPDATE files SET path = ? || path, sha256 = ? || sha256`).run(`s${k}/`, `s${k}`);
    db.close();
  }
  for (const dir of dirs)
    writeFileSync(
      join(dir, 'done.json'),
      JSON.stringify({ shard: '?', inputRoot: input, finishedAt: new Date().toISOString(), counts: {} }),
    );
  return dirs;
}

/** Build, merge and decide: the merged manifest's figures. */
function buildMergeDecide(file: string): void {
  rmSync(DIR, { recursive: true, force: true });
  console.log(`manifest bench: ${SHARDS} shards × ${PER_SHARD} rows = ${SHARDS * PER_SHARD} rows`);
  const dirs = buildShards();
  console.log(`shard manifest size: ${mb(join(dirs[0], 'manifest.sqlite'))} MB each`);

  let t0 = performance.now();
  const merged = mergeShards(DIR, { log: () => undefined });
  const mergeS = seconds(t0);
  console.log(
    `merge ${SHARDS} × ${PER_SHARD}: ${mergeS} s (${merged.files} files, ${merged.faces} faces, incl. re-decide and decisions.csv)`,
  );
  console.log(`merged manifest size: ${mb(file)} MB; decisions.csv ${mb(join(DIR, 'decisions.csv'))} MB`);

  const m = Manifest.open(file);
  const thresholds = { ...storedThresholds(m), faceBrisque: storedThresholds(m).faceBrisque - 5 };
  t0 = performance.now();
  const decided = redecide(m, thresholds);
  console.log(
    `decide (1 rule change, store, decisions.csv): ${seconds(t0)} s; rule alone ${(decided.ms / 1000).toFixed(2)} s; ${decided.changed} changed`,
  );
  m.close();
}

/** ext4 allows 65 000 links to one inode: a new template crop every LINKS_PER_TEMPLATE. */
const LINKS_PER_TEMPLATE = 60_000;

function main(): void {
  const file = join(DIR, 'manifest.sqlite');
  // --reuse: keep the last run's merged, decided manifest and time only what the trainer does with it.
  if (process.argv.includes('--reuse') && existsSync(file)) console.log(`reusing ${file}`);
  else buildMergeDecide(file);
  const m = Manifest.open(file);
  let t0 = performance.now();
  const kept = m.kept();
  console.log(`kept read: ${seconds(t0)} s (${kept.length} kept)`);
  m.close();
  // The freeze hashes every kept crop: give each a file of a 256² PNG crop's size (hard links to one,
  // so the bench reads real bytes without writing gigabytes; the page cache holds it, as it would
  // after curate wrote the crops).
  rmSync(join(DIR, 'templates'), { recursive: true, force: true });
  mkdirSync(join(DIR, 'templates'));
  t0 = performance.now();
  let template = '';
  kept.forEach((k, i) => {
    if (i % LINKS_PER_TEMPLATE === 0) {
      template = join(DIR, 'templates', `crop-${i / LINKS_PER_TEMPLATE}.png`);
      writeFileSync(template, randomBytes(CROP_BYTES));
    }
    const crop = join(DIR, k.alignedPath);
    mkdirSync(dirname(crop), { recursive: true });
    rmSync(crop, { force: true });
    linkSync(template, crop);
  });
  console.log(`linked ${kept.length} crops of ${CROP_BYTES} B: ${seconds(t0)} s`);
  const runDir = join(DIR, 'run');
  mkdirSync(runDir, { recursive: true });
  t0 = performance.now();
  freezeDataset(runDir, file);
  console.log(
    `dataset.json freeze (reads + hashes every crop): ${seconds(t0)} s, ${mb(join(runDir, 'dataset.json'))} MB`,
  );
  t0 = performance.now();
  const list = readDatasetList(runDir);
  if (list) verifyFrozenCrops(list, runDir);
  console.log(`resume check of every crop hash: ${seconds(t0)} s`);
  t0 = performance.now();
  mergeShards(DIR, { log: () => undefined });
  console.log(`re-merge (idempotent, carries the decide run): ${seconds(t0)} s`);
}

main();
