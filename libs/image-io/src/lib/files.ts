import { readdirSync } from 'node:fs';
import { extname, join } from 'node:path';

/** Extensions treated as images everywhere (curation walks them, training and tools list them). */
export const IMAGE_EXTENSIONS: ReadonlySet<string> = new Set([
  '.jpg',
  '.jpeg',
  '.jpe',
  '.png',
  '.webp',
  '.gif',
  '.tif',
  '.tiff',
  '.bmp',
  '.avif',
  '.heic',
  '.heif',
  '.svg',
]);

export const isImageFile = (name: string): boolean => IMAGE_EXTENSIONS.has(extname(name).toLowerCase());

/**
 * Every image-named regular file under `dir` (recursive by default), as paths joined onto `dir`,
 * sorted so the order is the same on every machine. Follows no symlinked folders (curation's
 * walkImages is the walker for untrusted input).
 */
export function listImageFiles(dir: string, { recursive = true }: { recursive?: boolean } = {}): string[] {
  const out: string[] = [];
  const visit = (d: string): void => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) {
        if (recursive) visit(path);
      } else if (entry.isFile() && isImageFile(entry.name)) out.push(path);
    }
  };
  visit(dir);
  return out.sort();
}
