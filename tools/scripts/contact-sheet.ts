/** Captioned contact sheets for the eval scripts (image-io's writeImageGrid; the format follows the file name). */
import { writeImageGrid, type GridTile } from '@portrait-forge/image-io';

/** One tile: a file (null = empty), its caption, flagged red when e.g. the decision disagrees with the label. */
export type SheetTile = GridTile & { image: string | null; caption: string; flagged: boolean };

export function writeContactSheet(
  file: string,
  tiles: SheetTile[],
  { columns, tile }: { columns: number; tile: number },
): Promise<void> {
  return writeImageGrid(file, tiles, { columns, tile });
}
