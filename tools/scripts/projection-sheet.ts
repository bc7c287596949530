/**
 * Projects aligned faces with `trainer project` and puts target | projection side by side, captioned with
 * the PSNR of proj.png against target.png (the 8-bit files; the projector prints its float figure).
 * With two or more images it also asks face-api's 128-d face embedding which target each projection is
 * nearest to: a check that the projection shows *that* person, not only the right layout and tones.
 * Run: npx tsx tools/scripts/projection-sheet.ts --network CKPT [--out data/projection-sheet] [--num-steps 1000] [--w-plus]
 *        [--project-args '--initial-learning-rate 0.2'] [LABEL=]IMAGE...
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import { Command } from 'commander';
import sharp from 'sharp';
import { positiveInt } from '@portrait-forge/cli';
import { byteToRange, decodeImage, writeImageGrid, type GridTile } from '@portrait-forge/image-io';
import { createFace128Extractor } from '@portrait-forge/metrics';
import { psnr } from '@portrait-forge/training';

const TRAINER = resolve(__dirname, '../../apps/trainer/src/main.ts');
const TILE = 128;
/** Keep the centre of the FFHQ-aligned crop, where face-api's tight face chips sit. */
const FACE_CROP = 0.75;
/** face-api's usual same-person threshold on descriptor distance. */
const SAME_PERSON = 0.6;

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
  .option('--project-args <args>', 'more `trainer project` flags, space-separated', '')
  .argument('<images...>', 'aligned faces, each optionally LABEL=path')
  .parse();
const opts = program.opts<{
  network: string;
  out: string;
  numSteps: number;
  wPlus: boolean;
  projectArgs: string;
}>();

async function pixels(file: string): Promise<Float32Array> {
  const { data } = await sharp(file).raw().toBuffer({ resolveWithObject: true });
  return Float32Array.from(data, (b) => byteToRange(b, '-1..1'));
}

const distance = (a: Float32Array, b: Float32Array): number =>
  Math.sqrt(a.reduce((sum, x, i) => sum + (x - b[i]) ** 2, 0));

/** Per projection: its face-embedding distance to its own target, and the label of the nearest target. */
async function identify(
  dirs: { label: string; dir: string }[],
): Promise<{ own: number; others: number; nearest: string }[]> {
  const face = await createFace128Extractor({ cropFraction: FACE_CROP });
  try {
    const read = (file: string) => decodeImage(file, { channels: 3 });
    const targets = await face.extract(await Promise.all(dirs.map((d) => read(join(d.dir, 'target.png')))));
    const projections = await face.extract(await Promise.all(dirs.map((d) => read(join(d.dir, 'proj.png')))));
    return projections.map((p, i) => {
      const d = targets.map((t) => distance(p, t));
      const others = (d.reduce((sum, x) => sum + x, 0) - d[i]) / (d.length - 1);
      return { own: d[i], others, nearest: dirs[d.indexOf(Math.min(...d))].label };
    });
  } finally {
    await face.dispose();
  }
}

async function main(): Promise<void> {
  const tiles: GridTile[] = [];
  const rows = ['label,image,psnr_db'];
  const dirs: { label: string; dir: string }[] = [];
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
        ...opts.projectArgs.split(' ').filter(Boolean),
      ],
      { stdio: 'inherit' },
    );
    if (run.status !== 0) throw new Error(`trainer project on ${image} failed (exit ${String(run.status)})`);
    const db = psnr(await pixels(join(dir, 'proj.png')), await pixels(join(dir, 'target.png')));
    rows.push(`${label},${image},${db.toFixed(2)}`);
    dirs.push({ label, dir });
    tiles.push({ image: join(dir, 'target.png'), caption: `${label}: target` });
    tiles.push({ image: join(dir, 'proj.png'), caption: `proj ${db.toFixed(2)} dB` });
  }
  if (dirs.length > 1) {
    const ids = await identify(dirs);
    rows[0] += ',face_distance_own,nearest_target';
    ids.forEach((id, i) => (rows[i + 1] += `,${id.own.toFixed(3)},${id.nearest}`));
    const hits = ids.filter((id, i) => id.nearest === dirs[i].label).length;
    const close = ids.filter((id) => id.own < SAME_PERSON).length;
    const mean = (xs: number[]) => (xs.reduce((sum, x) => sum + x, 0) / xs.length).toFixed(3);
    rows.push(
      `# face-api: ${hits}/${ids.length} projections nearest their own target; ${close}/${ids.length} within ${SAME_PERSON} of it; ` +
        `mean distance to their own target ${mean(ids.map((id) => id.own))}, to the other targets ${mean(ids.map((id) => id.others))}`,
    );
  }
  await writeImageGrid(join(opts.out, 'sheet.png'), tiles, { columns: 2, tile: TILE });
  writeFileSync(join(opts.out, 'psnr.csv'), `${rows.join('\n')}\n`);
  process.stdout.write(`${rows.join('\n')}\nwrote ${join(opts.out, 'sheet.png')}\n`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
