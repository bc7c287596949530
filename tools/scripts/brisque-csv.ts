/**
 * Prints `file,brisque` CSV for every image under a folder (paths relative to it, sorted), so the
 * scores can be diffed against another BRISQUE implementation (e.g. OpenCV's).
 * Run: npx tsx tools/scripts/brisque-csv.ts DIR [--colour-managed] > scores.csv
 */
import { join, relative, resolve } from 'node:path';
import { Command } from 'commander';
import { SingleBar } from 'cli-progress';
import {
  decodeImage,
  IMAGE_EXTENSIONS,
  ImageDecodeError,
  listImageFiles,
  type RawImage,
} from '@portrait-forge/image-io';
import { brisqueScore, readImageLikeOpenCv } from '@portrait-forge/brisque';

/** Paths relative to `root`, '/' separators, sorted. */
const listImages = (root: string): string[] =>
  listImageFiles(root).map((file) => relative(root, file).split('\\').join('/'));

async function main(): Promise<void> {
  const program = new Command()
    .name('brisque-csv')
    .description(
      'Print file,brisque CSV (OpenCV-equivalent BRISQUE, lower = better) for every image under DIR.',
    )
    .argument('<dir>', 'folder to scan recursively')
    .option(
      '--colour-managed',
      'decode with image-io (embedded ICC profile applied) instead of ignoring the profile like cv2.imread',
    )
    .parse();
  const root = resolve(program.args[0]);
  const colourManaged = program.opts<{ colourManaged?: boolean }>().colourManaged === true;
  let files: string[];
  try {
    files = listImages(root);
  } catch (err) {
    throw new Error(
      `${root}: cannot read the folder (${(err as Error).message}); pass an existing directory`,
    );
  }
  if (files.length === 0) throw new Error(`${root}: no images (${[...IMAGE_EXTENSIONS].join(' ')}) found`);

  const progress = process.stderr.isTTY
    ? new SingleBar({ format: 'brisque {bar} {value}/{total} ETA {eta_formatted}' })
    : undefined;
  progress?.start(files.length, 0);
  const failures: string[] = [];
  process.stdout.write('file,brisque\n');
  for (const file of files) {
    const path = join(root, file);
    try {
      const image: RawImage = colourManaged ? await decodeImage(path) : await readImageLikeOpenCv(path);
      process.stdout.write(`${file},${brisqueScore(image).toFixed(4)}\n`);
    } catch (err) {
      if (!(err instanceof ImageDecodeError)) throw err;
      failures.push(`${file}: ${err.reason}`);
    }
    progress?.increment();
  }
  progress?.stop();
  if (failures.length > 0) {
    process.stderr.write(`skipped ${failures.length} unreadable image(s):\n${failures.join('\n')}\n`);
    process.exitCode = 2;
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`brisque-csv: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
