import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, extname, isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';
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
  format: z.literal(1),
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
    }),
  ),
});
export type DatasetList = z.infer<typeof DatasetListSchema>;
type Entry = DatasetList['images'][number];

const entriesOf = (kept: readonly KeptImage[]): Entry[] =>
  kept.map((k) => ({ path: k.path, sha256: k.sha256, crop: k.alignedPath }));

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
  const files = list.images.map((e) => (isAbsolute(e.crop) ? e.crop : join(base, e.crop)));
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

/** Writes the run's dataset.json from the manifest's kept view as it is now. */
export function freezeDataset(runDir: string, manifestFile: string): DatasetList {
  const images = readKept(manifestFile);
  if (images.length === 0) {
    throw new Error(
      `--manifest ${manifestFile}: no kept images with aligned crops; run the curate pipeline (nx run curate:filter) first.`,
    );
  }
  const list: DatasetList = {
    format: 1,
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
