import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, extname, isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';
import { UsageError } from '@portrait-forge/cli';
import { writeFileAtomic } from '@portrait-forge/files';
import { Manifest, type KeptImage } from '@portrait-forge/manifest';
import type { ImageSource } from './sources';

/**
 * The frozen dataset of a run trained from a manifest: the kept crops at the run's start, in the run
 * dir. The run (its resume and rollback too) trains on this list, so a `decide` or review meanwhile
 * does not change what it trains on.
 */
export const DATASET_LIST_FILE = 'dataset.json';

const DatasetListSchema = z.object({
  /** 1: before crop hashes (not verified); 2: every entry has `cropSha256`. */
  format: z.union([z.literal(1), z.literal(2)]),
  /** The manifest the list was taken from (absolute). */
  manifest: z.string(),
  frozenAt: z.string(),
  images: z.array(
    z.object({
      /** The photo's path relative to the input root, as in the manifest. */
      path: z.string(),
      /** Content hash of the photo the crop was made from (the manifest's sha256). */
      sha256: z.string(),
      /** The aligned crop, relative to the manifest's folder (or absolute). */
      crop: z.string(),
      /** sha256 of the crop file's bytes at the freeze: resume and rollback check the crop is unchanged. */
      cropSha256: z.string().optional(),
    }),
  ),
});
export type DatasetList = z.infer<typeof DatasetListSchema>;
type Entry = DatasetList['images'][number];

const entriesOf = (kept: readonly KeptImage[]): Entry[] =>
  kept.map((k) => ({ path: k.path, sha256: k.sha256, crop: k.alignedPath }));

/** Names shown in a problem line: the first few, then how many more. */
const LISTED = 5;
const someNames = (names: readonly string[]) =>
  names.slice(0, LISTED).join(', ') + (names.length > LISTED ? ` and ${names.length - LISTED} more` : '');

const cropFile = (e: Entry, base: string) => (isAbsolute(e.crop) ? e.crop : join(base, e.crop));

/** sha256 of the crop's bytes, or null when it cannot be read. */
function cropHash(file: string): string | null {
  try {
    return createHash('sha256').update(readFileSync(file)).digest('hex');
  } catch {
    return null;
  }
}

const keyOf = (e: Entry) => `${e.path}\u0000${e.sha256}\u0000${e.crop}`;

function readKept(manifestFile: string): Entry[] {
  const manifest = Manifest.open(manifestFile, { readonly: true });
  try {
    return entriesOf(manifest.kept());
  } finally {
    manifest.close();
  }
}

function listSource(list: DatasetList, runDir: string): ImageSource {
  const base = dirname(list.manifest);
  const files = list.images.map((e) => cropFile(e, base));
  return {
    name: basename(list.manifest, extname(list.manifest)),
    description: `manifest ${list.manifest} (${files.length} kept, frozen in ${join(runDir, DATASET_LIST_FILE)})`,
    size: files.length,
    read: async (i) => ({ input: files[i], label: files[i] }),
    close: async () => undefined,
  };
}

/** How the manifest's kept set now differs from the frozen list, or null when it is the same. */
export function keptChanges(
  frozen: readonly Entry[],
  now: readonly Entry[],
): { added: number; removed: number } | null {
  const was = new Set(frozen.map(keyOf));
  const is = new Set(now.map(keyOf));
  const added = [...is].filter((k) => !was.has(k)).length;
  const removed = [...was].filter((k) => !is.has(k)).length;
  return added || removed ? { added, removed } : null;
}

/** Writes the run's dataset.json from the manifest's kept view as it is now, with each crop's hash. */
export function freezeDataset(runDir: string, manifestFile: string): DatasetList {
  const kept = readKept(manifestFile);
  if (kept.length === 0) {
    throw new UsageError(
      `--manifest ${manifestFile}: no kept images with aligned crops; run the curate pipeline (nx run curate:filter) first.`,
    );
  }
  const base = dirname(resolve(manifestFile));
  const missing: string[] = [];
  const images = kept.map((e) => {
    const cropSha256 = cropHash(cropFile(e, base));
    if (cropSha256 === null) missing.push(cropFile(e, base));
    return { ...e, cropSha256: cropSha256 ?? '' };
  });
  if (missing.length)
    throw new UsageError(
      `--manifest ${manifestFile}: ${missing.length} kept crop(s) cannot be read: ${someNames(missing)}; re-run \`nx run curate:filter --resume\` on the same input to rewrite them, or reject those files.`,
    );
  const list: DatasetList = {
    format: 2,
    manifest: resolve(manifestFile),
    frozenAt: new Date().toISOString(),
    images,
  };
  writeFileAtomic(join(runDir, DATASET_LIST_FILE), JSON.stringify(list, null, 1) + '\n');
  return list;
}

export function readDatasetList(runDir: string): DatasetList | null {
  const file = join(runDir, DATASET_LIST_FILE);
  if (!existsSync(file)) return null;
  const parsed = DatasetListSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success)
    throw new Error(
      `${file}: unreadable frozen dataset (${z.prettifyError(parsed.error)}); restore it or start a new run`,
    );
  return parsed.data;
}

/**
 * Checks every crop of a frozen list against the hash taken at the freeze; throws naming the changed
 * and missing crops (training on them would silently train on other images than the run froze).
 */
export function verifyFrozenCrops(list: DatasetList, runDir: string): void {
  if (list.format === 1) return;
  const base = dirname(list.manifest);
  const missing: string[] = [];
  const changed: string[] = [];
  for (const e of list.images) {
    const file = cropFile(e, base);
    const now = cropHash(file);
    if (now === null) missing.push(file);
    else if (now !== e.cropSha256) changed.push(file);
  }
  if (!missing.length && !changed.length) return;
  const problems = [
    ...(missing.length ? [`${missing.length} missing: ${someNames(missing)}`] : []),
    ...(changed.length ? [`${changed.length} changed since the freeze: ${someNames(changed)}`] : []),
  ];
  throw new UsageError(
    `${join(runDir, DATASET_LIST_FILE)}: crops of this run's frozen dataset are not as frozen (${problems.join('; ')}); restore them (e.g. from a backup of the curate output), or start a new run (without --resume) to train on the crops as they are now.`,
  );
}

/**
 * The images a run trained from a manifest trains on: a new run freezes the kept set into
 * dataset.json; a resumed one (or a rollback) reads it back and `log`s how the manifest changed since
 * (still training on the frozen list; a new run picks the change up). A run dir from before frozen
 * lists is frozen now, and says so.
 */
export function frozenManifestSource(
  runDir: string,
  manifestFile: string,
  log: (line: string) => void,
  options: { fresh: boolean },
): ImageSource {
  const existing = options.fresh ? null : readDatasetList(runDir);
  if (!existing) {
    if (!options.fresh)
      log(`${runDir} has no ${DATASET_LIST_FILE}; freezing the manifest's kept set as it is now`);
    return listSource(freezeDataset(runDir, manifestFile), runDir);
  }
  if (existing.format === 1)
    log(`${join(runDir, DATASET_LIST_FILE)} was frozen before crop hashes: its crops are not verified`);
  verifyFrozenCrops(existing, runDir);
  if (resolve(manifestFile) !== existing.manifest)
    log(
      `--manifest ${resolve(manifestFile)} is not the one this run froze (${existing.manifest}); training on the frozen list`,
    );
  let now: Entry[] | null = null;
  try {
    now = readKept(existing.manifest);
  } catch (err) {
    log(`cannot compare with ${existing.manifest} (${(err as Error).message}); training on the frozen list`);
  }
  const changes = now && keptChanges(existing.images, now);
  if (changes)
    log(
      `manifest ${existing.manifest} changed since this run froze its dataset at ${existing.frozenAt}: ${changes.added} kept image(s) added, ${changes.removed} gone; training on the frozen list of ${existing.images.length} (${join(runDir, DATASET_LIST_FILE)}); start a new run to train on the new set`,
    );
  return listSource(existing, runDir);
}
