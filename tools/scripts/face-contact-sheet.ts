/**
 * Contact sheet of FFHQ-aligned crops of the images a labelled folder calls `keep` (default
 * ../shared/data/faces-dev) that the face rules accept, each captioned with its file name; rejected
 * keepers are listed on stdout with their reasons.
 *
 *   npx tsx tools/scripts/face-contact-sheet.ts [--dir DIR] [--size 256] [--tile 160] [--columns 9] [--out data/face-contact-sheet.png]
 */
import { basename, resolve } from 'node:path';
import { Command } from 'commander';
import { writeImageGrid, type GridTile } from '@portrait-forge/image-io';
import { DEFAULT_FACE_CONFIG, alignFace, decideFace } from '@portrait-forge/face';
import { DEFAULT_FACES_DEV, detectLabelled, parsePositiveInt } from './face-run';

interface Options {
  dir: string;
  size: number;
  tile: number;
  columns: number;
  out: string;
}

async function main(options: Options): Promise<void> {
  const rows = await detectLabelled(options.dir, 'ssd', (l) => l.expected === 'keep');
  const tiles: GridTile[] = [];
  for (const row of rows) {
    const decision = decideFace(row.faces, row.image, { ...DEFAULT_FACE_CONFIG, targetSize: options.size });
    if (!decision.primary) {
      console.log(`rejected ${row.file}: ${decision.reasons.join('+')}`);
      continue;
    }
    if (decision.reasons.length > 0)
      console.log(`rejected ${row.file}: ${decision.reasons.join('+')} (shown, red caption)`);
    const aligned = await alignFace(row.image, decision.primary.landmarks, options.size);
    tiles.push({
      image: aligned.image,
      caption: `${basename(row.file)}${aligned.padded ? ' (pad)' : ''}`,
      flagged: decision.reasons.length > 0,
    });
  }
  await writeImageGrid(options.out, tiles, { columns: options.columns, tile: options.tile });
  console.log(
    `wrote ${options.out}: ${tiles.length} aligned faces at ${options.size} px (tiles ${options.tile} px)`,
  );
}

new Command()
  .name('face-contact-sheet')
  .description('PNG contact sheet of FFHQ-aligned crops of the keep images of a labelled folder.')
  .option('--dir <dir>', 'labelled folder with labels.csv', DEFAULT_FACES_DEV)
  .option('--size <px>', 'aligned size (256..1024)', parsePositiveInt, 256)
  .option('--tile <px>', 'tile size on the sheet', parsePositiveInt, 160)
  .option('--columns <n>', 'tiles per row', parsePositiveInt, 9)
  .option('--out <file>', 'output PNG', resolve(__dirname, '../../data/face-contact-sheet.png'))
  .action((options: Options) => main(options))
  .parseAsync()
  .catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
