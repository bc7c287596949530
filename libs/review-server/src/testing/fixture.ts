import { defaultThresholds } from '@portrait-forge/curation';
import { Manifest, type FileRecord } from '@portrait-forge/manifest';
import { analysedPhoto, filterRun } from '@portrait-forge/manifest/testing';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';

/**
 * A small output folder written straight into a manifest (no models): `count` files with a thumbnail
 * and an aligned crop each, and a filter run whose input root holds the source photos.
 */
export async function writeFixture(base: string, count = 3): Promise<{ input: string; out: string }> {
  const input = join(base, 'in');
  const out = join(base, 'out');
  for (const dir of [input, join(out, 'thumbs'), join(out, 'aligned')]) mkdirSync(dir, { recursive: true });
  const manifest = Manifest.open(join(out, 'manifest.sqlite'));
  manifest.startRun(
    filterRun(input, { config: { photoBrisque: true }, thresholds: { ...defaultThresholds(256) } }),
  );
  const records: FileRecord[] = [];
  for (let i = 0; i < count; i++) {
    const background = { r: 40 + ((i * 53) % 200), g: 90, b: 160 };
    const image = (width: number, height: number) =>
      sharp({ create: { width, height, channels: 3, background } }).jpeg();
    await image(800, 640).toFile(join(input, `photo-${i}.jpg`));
    await image(200, 160).toFile(join(out, `thumbs/${i}.jpg`));
    await image(256, 256).toFile(join(out, `aligned/${i}.jpg`));
    const brisque = 20 + i * 15;
    records.push(
      analysedPhoto(`photo-${i}.jpg`, i, {
        roll: i,
        brisque,
        alignedPath: `aligned/${i}.jpg`,
        alignedQuad: [150, 200, 150, 600, 550, 600, 550, 200],
        decision: brisque > 48 ? 'reject' : 'keep',
        reasons: brisque > 48 ? ['blurry'] : [],
      }),
    );
  }
  manifest.writeFiles(records, null);
  manifest.close();
  return { input, out };
}
