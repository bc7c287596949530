/**
 * Benchmark input only: every faces-wild-dev `keep` photo upscaled to 4000×3000 (landscape) or
 * 3000×4000 (portrait), EXIF orientation applied, cover-cropped, JPEG q90 — what a 12 MP phone or
 * camera gives. Written to data/12mp (git-ignored).
 *   npx tsx tools/scripts/make-12mp-set.ts [--data DIR] [--out data/12mp]
 */
import { parseLabels } from '@portrait-forge/curation';
import { sharedPath } from '@portrait-forge/test-support';
import { mkdirSync, readFileSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';

const LONG_SIDE = 4000;
const SHORT_SIDE = 3000;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { data: { type: 'string' }, out: { type: 'string' } } });
  const data = resolve(values.data ?? sharedPath('data/faces-wild-dev'));
  const out = resolve(values.out ?? 'data/12mp');
  mkdirSync(out, { recursive: true });
  const keepers = parseLabels(readFileSync(join(data, 'labels.csv'), 'utf8')).filter(
    (l) => l.expected === 'keep',
  );
  for (const label of keepers) {
    const upright = sharp(join(data, label.file)).rotate();
    const { width = 1, height = 1 } = await sharp(await upright.clone().png().toBuffer()).metadata();
    const [w, h] = width >= height ? [LONG_SIDE, SHORT_SIDE] : [SHORT_SIDE, LONG_SIDE];
    const file = join(out, `${basename(label.file, extname(label.file))}.jpg`);
    await upright.resize(w, h, { fit: 'cover', kernel: 'lanczos3' }).jpeg({ quality: 90 }).toFile(file);
  }
  process.stdout.write(`wrote ${keepers.length} photos of ${LONG_SIDE}×${SHORT_SIDE} (JPEG q90) to ${out}\n`);
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : err}\n`);
  process.exit(1);
});
