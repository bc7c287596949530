import { writeFileSync } from 'node:fs';
import {
  encodePng,
  rangeToByte,
  writeImageGrid,
  type PixelRange,
  type RawImage,
} from '@portrait-forge/image-io';

/** NHWC pixels (in `range`, default the networks' [-1, 1]) → one PNG grid, `cols` wide. */
export async function saveImageGrid(
  file: string,
  pixels: Float32Array | Uint8Array,
  shape: [number, number, number, number],
  cols: number,
  range: PixelRange = '-1..1',
): Promise<void> {
  const [n, h, w, c] = shape;
  if (c !== 1 && c !== 3) throw new Error(`image grid needs 1 or 3 channels, got ${c}`);
  const per = h * w * c;
  const tiles = Array.from({ length: n }, (_, k): { image: RawImage } => {
    const data = new Uint8Array(per);
    for (let i = 0; i < per; i++) data[i] = rangeToByte(pixels[k * per + i], range);
    return { image: { data, width: w, height: h, channels: c } };
  });
  // sharp's join needs two images or more; a single image is written as it is.
  if (tiles.length === 1) writeFileSync(file, await encodePng(tiles[0].image));
  else await writeImageGrid(file, tiles, { columns: cols, background: '#000000' });
}
