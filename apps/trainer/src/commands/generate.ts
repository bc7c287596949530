import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { initTf } from '@portrait-forge/tf-runtime';
import {
  generateImages,
  loadGenerator,
  resolveResume,
  saveImageGrid,
  styleMixingGrid,
} from '@portrait-forge/training';
import { backendChoice, backendOption, RUNS_DIR, runIfMain } from '../lib/cli';

/** `0-7,12` → [0..7, 12] (NVlabs' num_range). */
export function parseRange(value: string): number[] {
  const out: number[] = [];
  for (const part of value.split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) throw new InvalidArgumentError(`"${value}" is not a list like 0-7,12`);
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    for (let i = a; i <= b; i++) out.push(i);
  }
  return out;
}

interface GenerateFlags {
  network: string;
  outdir: string;
  seeds: number[];
  trunc: number;
  grid?: string;
  mixRows?: number[];
  mixCols?: number[];
  styles: number[];
  backend: string;
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
    .option('--seeds <list>', 'latent seeds, e.g. 0-15,42', parseRange, parseRange('0-15'))
    .option('--trunc <psi>', 'truncation ψ (1 = none, 0 = the average face)', (v) => Number(v), 1)
    .option('--grid <CxR>', 'also write all seeds as one grid PNG of C columns (e.g. 4x4)')
    .option('--mix-rows <list>', 'style mixing: row seeds (with --mix-cols)', parseRange)
    .option(
      '--mix-cols <list>',
      'style mixing: column seeds whose styles replace --styles layers',
      parseRange,
    )
    .option(
      '--styles <list>',
      'style mixing: w layers taken from the column seed (NVlabs default 0-6)',
      parseRange,
      parseRange('0-6'),
    )
    .addOption(backendOption())
    .option('--raw', 'use the non-EMA generator G instead of G_ema', false)
    .action(async (f: GenerateFlags) => {
      const backend = backendChoice(f.backend);
      if (!Number.isFinite(f.trunc)) throw new Error('--trunc must be a number, e.g. 0.7');
      const { tf } = await initTf({ backend });
      const file = resolveResume(f.network, RUNS_DIR);
      const G = loadGenerator(tf, file, f.raw ? 'G' : 'G_ema');
      mkdirSync(f.outdir, { recursive: true });
      const imgs = generateImages(tf, G, f.seeds, f.trunc);
      const [, r, , c] = imgs.shape;
      const per = r * r * c;
      if (f.grid) {
        const cols = Number(/^(\d+)x\d+$/.exec(f.grid)?.[1] ?? NaN);
        if (!cols) throw new Error(`--grid must look like 4x4, got ${f.grid}`);
        await saveImageGrid(join(f.outdir, 'grid.png'), imgs.data, imgs.shape, cols);
      } else {
        for (let i = 0; i < f.seeds.length; i++) {
          const name = join(f.outdir, `seed${String(f.seeds[i]).padStart(4, '0')}.png`);
          await saveImageGrid(name, imgs.data.subarray(i * per, (i + 1) * per), [1, r, r, c], 1);
        }
      }
      if (f.mixRows && f.mixCols) {
        await styleMixingGrid(tf, G, f.mixRows, f.mixCols, f.styles, f.trunc, join(f.outdir, 'stylemix.png'));
      }
      G.dispose();
      process.stdout.write(`wrote ${f.seeds.length} image(s) from ${file} to ${f.outdir}\n`);
    });
}

runIfMain(module, generateCommand, 'trainer generate');
