import { writeFileSync } from 'node:fs';
import { encodePng } from '@portrait-forge/image-io';

/** NHWC floats in [-1, 1] → one PNG grid, `cols` wide (NVlabs save_image_grid: x·127.5 + 128, clipped). */
export async function saveImageGrid(
  file: string,
  pixels: Float32Array | Uint8Array,
  shape: [number, number, number, number],
  cols: number,
  range: '-1..1' | '0..255' = '-1..1',
): Promise<void> {
  const [n, h, w, c] = shape;
  if (c !== 1 && c !== 3) throw new Error(`image grid needs 1 or 3 channels, got ${c}`);
  const rows = Math.ceil(n / cols);
  const W = cols * w;
  const out = new Uint8Array(rows * h * W * c);
  for (let k = 0; k < n; k++) {
    const gx = (k % cols) * w;
    const gy = Math.floor(k / cols) * h;
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++)
        for (let ch = 0; ch < c; ch++) {
          const v = pixels[((k * h + y) * w + x) * c + ch];
          const byte = range === '-1..1' ? Math.round(v * 127.5 + 128) : v;
          out[((gy + y) * W + gx + x) * c + ch] = Math.max(0, Math.min(255, byte));
        }
  }
  writeFileSync(file, await encodePng({ data: out, width: W, height: rows * h, channels: c }));
}
