import { spawnSync } from 'node:child_process';
import { extname } from 'node:path';
import sharp from 'sharp';
import { rangeToByte } from '@portrait-forge/image-io';

/** Frames NHWC in [-1, 1] → bytes, grey widened to RGB. */
function framesToRgb(frames: Float32Array, [n, h, w, c]: [number, number, number, number]): Buffer {
  const out = Buffer.alloc(n * h * w * 3);
  for (let p = 0; p < n * h * w; p++)
    for (let k = 0; k < 3; k++) out[p * 3 + k] = rangeToByte(frames[p * c + (c === 1 ? 0 : k)], '-1..1');
  return out;
}

/**
 * A progress or latent-walk video: animated WebP through sharp (always available), or mp4 through
 * ffmpeg when the file name ends in .mp4 and ffmpeg is on PATH.
 */
export async function saveVideo(
  file: string,
  frames: Float32Array,
  shape: [number, number, number, number],
  fps = 30,
): Promise<void> {
  const [n, h, w] = shape;
  const rgb = framesToRgb(frames, shape);
  if (extname(file) === '.mp4') {
    const args = ['-y', '-loglevel', 'error', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${w}x${h}`];
    const run = spawnSync('ffmpeg', [...args, '-r', String(fps), '-i', '-', '-pix_fmt', 'yuv420p', file], {
      input: rgb,
    });
    if (run.error || run.status !== 0)
      throw new Error(
        `${file}: ffmpeg failed (${run.error?.message ?? run.stderr.toString().trim()}); write a .webp instead`,
      );
    return;
  }
  await sharp(rgb, { raw: { width: w, height: h * n, channels: 3, pageHeight: h } })
    .webp({ loop: 0, delay: Array<number>(n).fill(Math.round(1000 / fps)), lossless: true })
    .toFile(file);
}
