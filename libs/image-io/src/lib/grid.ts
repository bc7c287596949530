import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import sharp from 'sharp';
import type { RawImage } from './decode';
import { rawToSharp } from './raw-image';

export interface GridTile {
  /** A file, encoded bytes or decoded pixels; null leaves the tile empty (e.g. a file that never decoded). */
  image: string | Buffer | RawImage | null;
  caption?: string;
  /** Drawn with a red caption and border (e.g. the decision disagrees with the label). */
  flagged?: boolean;
}

export interface GridOptions {
  columns: number;
  /** Side of every square tile, images fitted inside ('contain'); omitted, images keep their size. */
  tile?: number;
  background?: string;
}

const CAPTION_HEIGHT = 16;
const CAPTION_CHARS = 30;
const FLAG = '#ff5050';
const escapeXml = (s: string) => s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

function source(image: string | Buffer | RawImage): sharp.Sharp {
  return typeof image === 'string' || Buffer.isBuffer(image) ? sharp(image) : rawToSharp(image);
}

async function cell(t: GridTile, options: GridOptions, captions: boolean): Promise<Buffer> {
  const background = options.background ?? '#202020';
  const border = t.flagged ? 3 : 0;
  const side = options.tile;
  let picture: Buffer;
  if (t.image === null) {
    const size = side ?? 1;
    picture = await sharp({ create: { width: size, height: size, channels: 3, background } })
      .png()
      .toBuffer();
  } else {
    let pipeline = source(t.image);
    if (side)
      pipeline = pipeline.resize(side - 2 * border, side - 2 * border, { fit: 'contain', background });
    if (border)
      pipeline = pipeline.extend({
        top: border,
        bottom: border,
        left: border,
        right: border,
        background: FLAG,
      });
    picture = await pipeline.png().toBuffer();
  }
  if (!captions) return picture;
  const { width = 1 } = await sharp(picture).metadata();
  const text =
    (t.caption ?? '').length > CAPTION_CHARS
      ? `${t.caption?.slice(0, CAPTION_CHARS - 1)}…`
      : (t.caption ?? '');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${CAPTION_HEIGHT}"><text x="3" y="12" font-family="sans-serif" font-size="11" fill="${t.flagged ? FLAG : '#ffffff'}">${escapeXml(text)}</text></svg>`;
  return sharp(picture)
    .extend({ bottom: CAPTION_HEIGHT, background })
    .composite([{ input: Buffer.from(svg), gravity: 'south' }])
    .png()
    .toBuffer();
}

/**
 * Writes the tiles as one image, `columns` across (sharp's `join`), each with a caption strip when
 * any tile has a caption. The format follows the file's extension (.png, .jpg, …).
 */
export async function writeImageGrid(
  file: string,
  tiles: readonly GridTile[],
  options: GridOptions,
): Promise<void> {
  if (tiles.length === 0) throw new Error(`${file}: an image grid needs at least one tile`);
  const captions = tiles.some((t) => t.caption !== undefined);
  const cells: Buffer[] = [];
  for (const t of tiles) cells.push(await cell(t, options, captions));
  mkdirSync(dirname(file), { recursive: true });
  // libvips' arrayjoin needs two images or more.
  if (cells.length === 1) return void (await sharp(cells[0]).toFile(file));
  // The join widens its cells to the background's RGBA; a 1-band (grey) cell is copied into all four
  // bands, alpha included, which made dark pixels of grey grids transparent (washed out when viewed).
  await sharp(cells, {
    join: { across: options.columns, background: options.background ?? '#202020' },
  })
    .removeAlpha()
    .toFile(file);
}
