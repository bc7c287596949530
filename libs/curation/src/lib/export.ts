import type { KeptImage } from '@portrait-forge/manifest';
import { createWriteStream } from 'node:fs';
import { copyFile, mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ZipFile } from 'yazl';
import { replaceFileAtomic } from '@portrait-forge/files';

export type ExportFormat = 'sg2ada' | 'folder';

/** StyleGAN2-ADA dataset_tool naming: 00000/img00000000.png, a folder per 1000 images. */
export function sg2adaName(index: number): string {
  const idx = String(index).padStart(8, '0');
  return `${idx.slice(0, 5)}/img${idx}.png`;
}

export interface ExportResult {
  path: string;
  count: number;
}

/**
 * Writes the kept aligned crops (sorted by source path) as a StyleGAN2-ADA dataset zip (stored
 * PNGs + dataset.json `{"labels": null}`, dataset_tool's layout) or as a plain folder with the same
 * names plus `sources.csv` mapping each image back to its source file.
 */
export async function exportDataset(
  kept: KeptImage[],
  outDir: string,
  dest: string,
  format: ExportFormat,
): Promise<ExportResult> {
  if (kept.length === 0)
    throw new Error('nothing to export: no kept images in the manifest (run filter, or review overrides)');
  const names = kept.map((_, i) => sg2adaName(i));
  const sources =
    ['name,source', ...kept.map((k, i) => `${names[i]},"${k.path.replace(/"/g, '""')}"`)].join('\n') + '\n';
  const dataset = JSON.stringify({ labels: null });
  if (format === 'folder') {
    await rm(dest, { recursive: true, force: true });
    for (const [i, k] of kept.entries()) {
      const target = join(dest, names[i]);
      await mkdir(dirname(target), { recursive: true });
      await copyFile(join(outDir, k.alignedPath), target);
    }
    await writeFile(join(dest, 'dataset.json'), dataset);
    await writeFile(join(dest, 'sources.csv'), sources);
    return { path: dest, count: kept.length };
  }
  await mkdir(dirname(dest), { recursive: true });
  const zip = new ZipFile();
  kept.forEach((k, i) => zip.addFile(join(outDir, k.alignedPath), names[i], { compress: false }));
  zip.addBuffer(Buffer.from(dataset), 'dataset.json', { compress: false });
  zip.addBuffer(Buffer.from(sources), 'sources.csv');
  await replaceFileAtomic(
    dest,
    (tmp) =>
      new Promise<void>((resolve, reject) => {
        const out = createWriteStream(tmp);
        zip.outputStream.on('error', reject).pipe(out).on('close', resolve).on('error', reject);
        zip.end();
      }),
  );
  return { path: dest, count: kept.length };
}
