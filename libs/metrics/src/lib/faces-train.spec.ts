import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { decodeImage, type RawImage } from '@portrait-forge/image-io';
import { describeWithShared } from '@portrait-forge/test-support';
import { fid } from './fid';
import { createFace128Extractor, type FeatureExtractor } from './extractors';
import { imageVariant, type ImageVariant } from './image-variants';
import { fromRows, type FeatureMatrix } from './matrix';

const PER_HALF = 100; // ~300 embeddings at ~7 img/s on shared wasm

describeWithShared('data/faces-train', 'face128 FID on faces-train', (dir) => {
  let extractor: FeatureExtractor;
  let halfA: RawImage[];
  let halfB: RawImage[];
  const embed = async (images: RawImage[], variant: ImageVariant): Promise<FeatureMatrix> => {
    const rows: Float32Array[] = [];
    for (let i = 0; i < images.length; i += 16) {
      const batch = await Promise.all(images.slice(i, i + 16).map((img) => imageVariant(img, variant)));
      rows.push(...(await extractor.extract(batch)));
    }
    return fromRows(rows);
  };

  beforeAll(async () => {
    extractor = await createFace128Extractor({ cropFraction: 0.6, log: () => undefined });
    const files = readdirSync(dir)
      .filter((f) => f.endsWith('.jpg'))
      .sort();
    const load = (names: string[]): Promise<RawImage[]> =>
      Promise.all(names.map((n) => decodeImage(join(dir, n), { channels: 3 })));
    halfA = await load(files.filter((_, i) => i % 2 === 0).slice(0, PER_HALF));
    halfB = await load(files.filter((_, i) => i % 2 === 1).slice(0, PER_HALF));
  }, 60000);

  afterAll(async () => extractor?.dispose());

  it('embeds 128-d, deterministically', async () => {
    const [first, again] = [
      await extractor.extract(halfA.slice(0, 2)),
      await extractor.extract(halfA.slice(0, 2)),
    ];
    expect(first).toHaveLength(2);
    expect(first[0]).toHaveLength(128);
    expect(Array.from(again[1])).toEqual(Array.from(first[1]));
  }, 30000);

  it('gives a small FID between disjoint halves and a large one to blurred / inverted copies', async () => {
    const a = await embed(halfA, 'original');
    const halves = fid(a, await embed(halfB, 'original'));
    const blurred = fid(a, await embed(halfB, 'blur'));
    const inverted = fid(a, await embed(halfB, 'invert'));
    process.stderr.write(
      `fid[face128] ${PER_HALF}/half: halves ${halves.toFixed(4)}, blur ${blurred.toFixed(4)}, invert ${inverted.toFixed(4)}\n`,
    );
    expect(blurred).toBeGreaterThan(2 * halves);
    expect(inverted).toBeGreaterThan(3 * halves);
  }, 90000);
});
