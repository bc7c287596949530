import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { backendOption, finiteNumber, grid, nonNegativeInt, seedRanges } from '@portrait-forge/cli';
import { RUNS_DIR } from '@portrait-forge/run-format';
import { BACKEND_PREFERENCE, initTf, type BackendChoice } from '@portrait-forge/tf-runtime';
import {
  generateImages,
  loadGenerator,
  resolveResume,
  saveImageGrid,
  styleMixingGrid,
} from '@portrait-forge/training';

interface GenerateFlags {
  network: string;
  outdir: string;
  seeds: number[];
  trunc: number;
  truncCutoff?: number;
  grid?: [number, number];
  mixRows?: number[];
  mixCols?: number[];
  styles: number[];
  backend: BackendChoice | 'auto';
  raw: boolean;
}

export function generateCommand(): Command {
  return new Command('generate')
    .description(
      "Images from a checkpoint's G_ema: one PNG per seed (or a grid), optional style-mixing grid, truncation ψ.",
    )
    .requiredOption(
      '--network <ckpt|run dir|latest>',
      'network-snapshot-*.ckpt, a run dir (its newest checkpoint) or `latest`',
    )
    .option('--outdir <dir>', 'where PNGs go', 'data/generated')
    .addOption(
      new Option('--seeds <list>', 'latent seeds, e.g. 0-15,42')
        .argParser(seedRanges)
        .default(seedRanges('0-15'), '0-15'),
    )
    .option('--trunc <psi>', 'truncation ψ (1 = none, 0 = the average face)', finiteNumber, 1)
    .option(
      '--trunc-cutoff <n>',
      'apply ψ to the first n ws only, the coarse layers (SG2 truncation_cutoff; unset: all)',
      nonNegativeInt,
    )
    .option(
      '--grid <CxR>',
      'write all seeds as one grid PNG of C columns (e.g. 4x4) instead of one PNG each',
      grid,
    )
    .option('--mix-rows <list>', 'style mixing: row seeds (with --mix-cols)', seedRanges)
    .option(
      '--mix-cols <list>',
      'style mixing: column seeds whose styles replace --styles layers',
      seedRanges,
    )
    .addOption(
      new Option('--styles <list>', 'style mixing: w layers taken from the column seed (NVlabs default 0-6)')
        .argParser(seedRanges)
        .default(seedRanges('0-6'), '0-6'),
    )
    .addOption(backendOption(BACKEND_PREFERENCE))
    .option('--raw', 'use the non-EMA generator G instead of G_ema', false)
    .action(async (f: GenerateFlags) => {
      const { tf } = await initTf({ backend: f.backend });
      const file = resolveResume(f.network, RUNS_DIR);
      const G = loadGenerator(tf, file, f.raw ? 'G' : 'G_ema');
      mkdirSync(f.outdir, { recursive: true });
      const imgs = generateImages(tf, G, f.seeds, f.trunc, f.truncCutoff);
      const [, r, , c] = imgs.shape;
      const per = r * r * c;
      if (f.grid) {
        await saveImageGrid(join(f.outdir, 'grid.png'), imgs.data, imgs.shape, f.grid[0]);
      } else {
        for (let i = 0; i < f.seeds.length; i++) {
          const name = join(f.outdir, `seed${String(f.seeds[i]).padStart(4, '0')}.png`);
          await saveImageGrid(name, imgs.data.subarray(i * per, (i + 1) * per), [1, r, r, c], 1);
        }
      }
      if (f.mixRows && f.mixCols) {
        await styleMixingGrid(
          tf,
          G,
          f.mixRows,
          f.mixCols,
          f.styles,
          f.trunc,
          join(f.outdir, 'stylemix.png'),
          f.truncCutoff,
        );
      }
      G.dispose();
      process.stdout.write(`wrote ${f.seeds.length} image(s) from ${file} to ${f.outdir}\n`);
    });
}
