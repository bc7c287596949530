/**
 * Projects aligned faces with `trainer project` and puts target | projection side by side, captioned with
 * the PSNR of proj.png against target.png (the 8-bit files; the projector prints its float figure).
 * Run: npx tsx tools/scripts/projection-sheet.ts --network CKPT [--out data/projection-sheet] [--num-steps 1000] [--w-plus] [LABEL=]IMAGE...
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import { Command } from 'commander';
import sharp from 'sharp';
import { positiveInt } from '@portrait-forge/cli';
import { byteToRange, writeImageGrid, type GridTile } from '@portrait-forge/image-io';
import { psnr } from '@portrait-forge/training';

const TRAINER = resolve(__dirname, '../../apps/trainer/src/main.ts');
const TILE = 128;

const program = new Command()
  .description('trainer project on each image, then a target | projection sheet with PSNR')
  .requiredOption('--network <ckpt>', 'checkpoint to project into')
  .option(
    '--out <dir>',
    'output folder (one projection dir per image, sheet.png, psnr.csv)',
    'data/projection-sheet',
  )
  .option('--num-steps <n>', 'projector steps', positiveInt, 1000)
  .option('--w-plus', 'project into W+ (one w per layer)', false)
  .argument('<images...>', 'aligned faces, each optionally LABEL=path')
  .parse();
const opts = program.opts<{ network: string; out: string; numSteps: number; wPlus: boolean }>();

async function pixels(file: string): Promise<Float32Array> {
  const { data } = await sharp(file).raw().toBuffer({ resolveWithObject: true });
  return Float32Array.from(data, (b) => byteToRange(b, '-1..1'));
}

async function main(): Promise<void> {
  const tiles: GridTile[] = [];
  const rows = ['label,image,psnr_db'];
  for (const arg of program.args) {
    const [label, image] = arg.includes('=')
      ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
      : [basename(arg, extname(arg)), arg];
    const dir = join(opts.out, label);
    const run = spawnSync(
      'npx',
      [
        'tsx',
        TRAINER,
        'project',
        '--network',
        opts.network,
        '--target',
        image,
        '--outdir',
        dir,
        '--num-steps',
        String(opts.numSteps),
        '--no-save-video',
        ...(opts.wPlus ? ['--w-plus'] : []),
      ],
      { stdio: 'inherit' },
    );
    if (run.status !== 0) throw new Error(`trainer project on ${image} failed (exit ${String(run.status)})`);
    const db = psnr(await pixels(join(dir, 'proj.png')), await pixels(join(dir, 'target.png')));
    rows.push(`${label},${image},${db.toFixed(2)}`);
    tiles.push({ image: join(dir, 'target.png'), caption: `${label}: target` });
    tiles.push({ image: join(dir, 'proj.png'), caption: `proj ${db.toFixed(2)} dB` });
  }
  await writeImageGrid(join(opts.out, 'sheet.png'), tiles, { columns: 2, tile: TILE });
  writeFileSync(join(opts.out, 'psnr.csv'), `${rows.join('\n')}\n`);
  process.stdout.write(`${rows.join('\n')}\nwrote ${join(opts.out, 'sheet.png')}\n`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
