import { defaultThresholds, runFilter } from '@portrait-forge/curation';
import { mkdirSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import sharp from 'sharp';

const SAMPLES = resolve(__dirname, '../../../../data/samples');

/**
 * A curated sample: the repository's sample photos and simple variants of them (mirrored, turned a
 * little, softened, shrunk), run through the real `filter` so every row, landmark, thumbnail and
 * crop is what curation writes. 13 photos × 2 = 26 files, keeps and rejects of several reasons.
 */
export async function curatedSample(base: string): Promise<{ input: string; out: string }> {
  const input = join(base, 'in');
  const out = join(base, 'out');
  mkdirSync(join(input, 'variants'), { recursive: true });
  const sources = [
    ...readdirSync(SAMPLES).filter((f) => /\.(jpe?g|png)$/.test(f)),
    ...readdirSync(join(SAMPLES, 'derived')).map((f) => `derived/${f}`),
  ].sort();
  for (const [i, name] of sources.entries()) {
    const from = join(SAMPLES, name);
    const stem = name.replace(/^derived\//, '').replace(/\.\w+$/, '');
    await sharp(from)
      .jpeg({ quality: 92 })
      .toFile(join(input, `${stem}.jpg`));
    const variant = sharp(from);
    if (i % 3 === 0) variant.flop();
    else if (i % 3 === 1) variant.rotate(6, { background: '#808080' });
    else variant.blur(1.5);
    await variant.jpeg({ quality: 85 }).toFile(join(input, 'variants', `${stem}-v${i % 3}.jpg`));
  }
  await runFilter({
    input,
    out,
    size: 256,
    workers: 1,
    thresholds: defaultThresholds(256),
    log: () => undefined,
  });
  return { input, out };
}
