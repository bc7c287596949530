/** Captioned contact sheets for the eval scripts (sharp composite of tiles + SVG captions). */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import sharp from 'sharp';

export interface SheetTile {
  /** Image file to show, or null for an empty tile (e.g. a file that never decoded). */
  image: string | null;
  caption: string;
  /** Drawn with a red caption and border (e.g. the decision disagrees with the label). */
  flagged: boolean;
}

const CAPTION = 16;
const escapeXml = (s: string) => s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

export async function writeContactSheet(
  file: string,
  tiles: SheetTile[],
  { columns, tile }: { columns: number; tile: number },
): Promise<void> {
  const layers: sharp.OverlayOptions[] = [];
  for (const [i, t] of tiles.entries()) {
    const left = (i % columns) * tile;
    const top = Math.floor(i / columns) * (tile + CAPTION);
    const colour = t.flagged ? '#ff5050' : '#ffffff';
    if (t.image) {
      const border = t.flagged ? 3 : 0;
      const picture = await sharp(t.image)
        .resize(tile - 2 * border, tile - 2 * border, { fit: 'contain', background: '#202020' })
        .extend({ top: border, bottom: border, left: border, right: border, background: colour })
        .toBuffer();
      layers.push({ input: picture, left, top });
    }
    const text = t.caption.length > 30 ? `${t.caption.slice(0, 29)}…` : t.caption;
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${tile}" height="${CAPTION}"><text x="3" y="12" font-family="sans-serif" font-size="11" fill="${colour}">${escapeXml(text)}</text></svg>`;
    layers.push({ input: Buffer.from(svg), left, top: top + tile });
  }
  mkdirSync(dirname(file), { recursive: true });
  await sharp({
    create: {
      width: columns * tile,
      height: Math.max(1, Math.ceil(tiles.length / columns)) * (tile + CAPTION),
      channels: 3,
      background: '#202020',
    },
  })
    .composite(layers)
    .png()
    .toFile(file);
}
