/**
 * Derives the sample rejects in data/samples/derived/ from the public-domain originals in data/samples/
 * (rotated → tilted, blurred → blurry, downscaled → lowres, two faces side by side → multi).
 * Run: npx tsx tools/scripts/make-samples.ts
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import sharp from 'sharp';

const SAMPLES = resolve(__dirname, '../../data/samples');
const OUT = join(SAMPLES, 'derived');
const WHITE = { r: 255, g: 255, b: 255 };
const src = (name: string) => join(SAMPLES, name);
const jpeg = (s: sharp.Sharp, name: string) => s.jpeg({ quality: 90 }).toFile(join(OUT, name));

async function sideBySide(left: string, right: string, height: number): Promise<sharp.Sharp> {
  const a = await sharp(src(left)).resize({ height }).toBuffer({ resolveWithObject: true });
  const b = await sharp(src(right)).resize({ height }).toBuffer({ resolveWithObject: true });
  return sharp({
    create: { width: a.info.width + b.info.width, height, channels: 3, background: WHITE },
  }).composite([
    { input: a.data, left: 0, top: 0 },
    { input: b.data, left: a.info.width, top: 0 },
  ]);
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  await jpeg(sharp(src('grace_hopper.jpg')).rotate(35, { background: WHITE }), 'grace_hopper_tilted.jpg');
  await jpeg(sharp(src('astronaut.png')).rotate(-30, { background: WHITE }), 'astronaut_tilted.jpg');
  await jpeg(sharp(src('grace_hopper.jpg')).blur(4), 'grace_hopper_blurred.jpg');
  await jpeg(sharp(src('astronaut.png')).blur(5), 'astronaut_blurred.jpg');
  await jpeg(sharp(src('grace_hopper.jpg')).resize({ width: 72 }), 'grace_hopper_lowres.jpg');
  await jpeg(await sideBySide('grace_hopper.jpg', 'astronaut.png', 480), 'hopper_and_astronaut_multi.jpg');
  process.stdout.write(`wrote 6 derived samples to ${OUT}\n`);
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : err}\n`);
  process.exit(1);
});
