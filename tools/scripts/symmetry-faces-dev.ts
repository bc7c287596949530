/**
 * Shared by the symmetry-* scripts and tools/bench/symmetry.ts: faces-dev's labelled photos,
 * and scoring them with one silhouette backend (mask + the seed's metric).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeImage, type RawImage } from '@portrait-forge/image-io';
import { sharedPath } from '@portrait-forge/test-support';
import { symmetryScore, type Silhouette } from '@portrait-forge/symmetry';

export const FACES_DEV = sharedPath('data/faces-dev');

export interface LabelledPhoto {
  file: string;
  expected: string;
  category: string;
}

export function readFacesDev(dir = FACES_DEV): LabelledPhoto[] {
  const [header, ...lines] = readFileSync(join(dir, 'labels.csv'), 'utf8').trim().split(/\r?\n/);
  if (header.trim() !== 'file,expected,category')
    throw new Error(`${dir}/labels.csv: unexpected header "${header}"`);
  return lines.map((line) => {
    const [file, expected, category] = line.split(',');
    return { file, expected, category };
  });
}

export interface ScoredPhoto extends LabelledPhoto {
  image: RawImage;
  mask: Uint8Array;
  score: number;
  maskMs: number;
  metricMs: number;
}

export async function scorePhoto(
  silhouette: Silhouette,
  photo: LabelledPhoto,
  dir = FACES_DEV,
): Promise<ScoredPhoto> {
  const image = await decodeImage(join(dir, photo.file), { channels: 3 });
  const t0 = performance.now();
  const mask = await silhouette.mask(image);
  const t1 = performance.now();
  const score = symmetryScore(mask, image.width, image.height);
  const t2 = performance.now();
  return { ...photo, image, mask, score, maskMs: t1 - t0, metricMs: t2 - t1 };
}

export function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}
