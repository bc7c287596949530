import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodePng } from '@portrait-forge/image-io';

/** A temp folder of `count` small gray PNGs with a blob at a varying place (test data only). */
export async function syntheticImageFolder(count: number, size = 16): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'pf-training-'));
  const imgDir = join(dir, 'images');
  mkdirSync(imgDir);
  for (let k = 0; k < count; k++) {
    const data = new Uint8Array(size * size);
    const cx = (k * 5) % size;
    const cy = (k * 3) % size;
    for (let y = 0; y < size; y++)
      for (let x = 0; x < size; x++)
        data[y * size + x] = (x - cx) ** 2 + (y - cy) ** 2 < size ? 230 : 40 + ((x * 7 + k) % 50);
    writeFileSync(
      join(imgDir, `img${String(k).padStart(4, '0')}.png`),
      await encodePng({ data, width: size, height: size, channels: 1 }),
    );
  }
  return imgDir;
}

export function tempDir(prefix = 'pf-training-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}
