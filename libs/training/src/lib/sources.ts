import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { basename, dirname, extname, isAbsolute, join, resolve } from 'node:path';
import { isImageFile, listImageFiles } from '@portrait-forge/image-io';
import { Manifest } from '@portrait-forge/manifest';
import yauzl from 'yauzl';

/** Where training images come from: an ordered list of items and a way to read one item's bytes or path. */
export interface ImageSource {
  /** Short name for the run dir (e.g. `faces-train`). */
  readonly name: string;
  /** Human description for logs and training_options.json. */
  readonly description: string;
  readonly size: number;
  /** File path or encoded bytes of item i, plus a label for error messages. */
  read(index: number): Promise<{ input: string | Buffer; label: string }>;
  close(): Promise<void>;
}

/** Every image under `dir` (recursive), sorted so the order is stable across machines. */
export const listImages = (dir: string): string[] => listImageFiles(dir);

function fileListSource(name: string, description: string, files: string[]): ImageSource {
  return {
    name,
    description,
    size: files.length,
    read: async (i) => ({ input: files[i], label: files[i] }),
    close: async () => undefined,
  };
}

export function folderSource(dir: string): ImageSource {
  const files = listImages(dir);
  if (files.length === 0) {
    throw new Error(
      `--data ${dir}: no images (jpg/png/webp/tif/bmp/gif) found; point it at a folder of aligned crops.`,
    );
  }
  return fileListSource(basename(resolve(dir)), `folder ${resolve(dir)}`, files);
}

/** The curated manifest's `kept` view: aligned crops of every kept photo (paths relative to the manifest). */
export function manifestSource(file: string): ImageSource {
  const manifest = Manifest.open(file, { readonly: true });
  try {
    const kept = manifest.kept();
    if (kept.length === 0) {
      throw new Error(
        `--manifest ${file}: no kept images with aligned crops; run the curate pipeline (nx run curate:filter) first.`,
      );
    }
    const base = dirname(resolve(file));
    const files = kept.map((k) => (isAbsolute(k.alignedPath) ? k.alignedPath : join(base, k.alignedPath)));
    return fileListSource(
      basename(file, extname(file)),
      `manifest ${resolve(file)} (${files.length} kept)`,
      files,
    );
  } finally {
    manifest.close();
  }
}

function openZip(file: string): Promise<yauzl.ZipFile> {
  return new Promise((ok, fail) =>
    yauzl.open(file, { lazyEntries: true, autoClose: false }, (err, zip) => (err ? fail(err) : ok(zip))),
  );
}

function listEntries(zip: yauzl.ZipFile): Promise<yauzl.Entry[]> {
  return new Promise((ok, fail) => {
    const entries: yauzl.Entry[] = [];
    zip.on('entry', (e: yauzl.Entry) => {
      entries.push(e);
      zip.readEntry();
    });
    zip.on('end', () => ok(entries));
    zip.on('error', fail);
    zip.readEntry();
  });
}

function readEntry(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<Buffer> {
  return new Promise((ok, fail) =>
    zip.openReadStream(entry, (err, stream) => {
      if (err) return fail(err);
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => ok(Buffer.concat(chunks)));
      stream.on('error', fail);
    }),
  );
}

/**
 * An SG2-ADA dataset zip (dataset_tool.py output): images read one entry at a time (random access via
 * the central directory, never the whole archive). `dataset.json` labels are read but unused (no
 * conditioning yet).
 */
export async function zipSource(file: string): Promise<ImageSource> {
  let zip: yauzl.ZipFile;
  try {
    zip = await openZip(file);
  } catch (err) {
    throw new Error(
      `--data ${file}: not a readable zip (${(err as Error).message}); pass a dataset_tool.py zip or a folder.`,
    );
  }
  const entries = (await listEntries(zip))
    .filter((e) => isImageFile(e.fileName))
    .sort((a, b) => (a.fileName < b.fileName ? -1 : 1));
  if (entries.length === 0) {
    zip.close();
    throw new Error(`--data ${file}: the zip holds no images; build it with SG2-ADA's dataset_tool.py.`);
  }
  return {
    name: basename(file, extname(file)),
    description: `zip ${resolve(file)}`,
    size: entries.length,
    read: async (i) => ({ input: await readEntry(zip, entries[i]), label: `${file}:${entries[i].fileName}` }),
    close: async () => zip.close(),
  };
}

/** Picks the source from --manifest or --data (folder or .zip). */
export async function openSource(opts: { manifest?: string; data?: string }): Promise<ImageSource> {
  if (opts.manifest) return manifestSource(opts.manifest);
  if (!opts.data) throw new Error('No training data: pass --manifest PATH (curated) or --data DIR|ZIP.');
  let isDir: boolean;
  try {
    isDir = statSync(opts.data).isDirectory();
  } catch {
    throw new Error(`--data ${opts.data}: no such file or folder.`);
  }
  if (isDir) return folderSource(opts.data);
  const magic = Buffer.alloc(4);
  const fd = openSync(opts.data, 'r');
  readSync(fd, magic, 0, 4, 0);
  closeSync(fd);
  if (magic.toString('latin1') !== 'PK\u0003\u0004') {
    throw new Error(
      `--data ${opts.data}: neither a folder nor a zip; pass a folder of images or a dataset_tool.py zip.`,
    );
  }
  return zipSource(opts.data);
}
