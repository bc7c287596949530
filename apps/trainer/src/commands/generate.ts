import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import {
  backendOption,
  finiteNumber,
  grid,
  nonNegativeInt,
  positiveInt,
  seedRanges,
} from '@portrait-forge/cli';
import { RUNS_DIR } from '@portrait-forge/run-format';
import { BACKEND_PREFERENCE, initTf, type BackendChoice } from '@portrait-forge/tf-runtime';
import type * as tfjs from '@tensorflow/tfjs';
import type { Generator } from '@portrait-forge/stylegan2';
import {
  generateImages,
  latentsForSeeds,
  loadGenerator,
  loadProjectedW,
  saveVideo,
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
  projectedW?: string;
  interp?: number[];
  interpFrames: number;
  video: 'webp' | 'mp4';
}

/** NVlabs generate.py --projected-w: one PNG per w in the .npz, noise const. */
async function renderProjectedW(
  tf: typeof tfjs,
  G: Generator,
  file: string,
  outdir: string,
): Promise<number> {
  const { numWs } = G;
  const { wDim, resolution: r, channels: c } = G.config;
  const ws = await loadProjectedW(file, numWs, wDim);
  const n = ws.length / (numWs * wDim);
  for (let i = 0; i < n; i++) {
    const img = tf.tidy(() =>
      G.synthesize(tf.tensor3d(ws.subarray(i * numWs * wDim, (i + 1) * numWs * wDim), [1, numWs, wDim]), {
        noiseMode: 'const',
      }),
    );
    await saveImageGrid(
      join(outdir, `proj${String(i).padStart(2, '0')}.png`),
      img.dataSync() as Float32Array,
      [1, r, r, c],
      1,
    );
    img.dispose();
  }
  return n;
}

/** A latent walk: w of each seed in turn, linear steps in W between consecutive seeds, looping back. */
async function renderInterpolation(
  tf: typeof tfjs,
  G: Generator,
  seeds: number[],
  framesPerSeed: number,
  psi: number,
  file: string,
): Promise<number> {
  const { numWs } = G;
  const { wDim, zDim, resolution: r, channels: c } = G.config;
  const keys = tf.tidy(() =>
    G.map(tf.tensor2d(latentsForSeeds(seeds, zDim), [seeds.length, zDim]), { truncationPsi: psi }),
  );
  const total = seeds.length * framesPerSeed;
  const frames = new Float32Array(total * r * r * c);
  for (let k = 0; k < total; k++) {
    const a = Math.floor(k / framesPerSeed);
    const t = (k % framesPerSeed) / framesPerSeed;
    const img = tf.tidy(() => {
      const wa = keys.slice([a, 0, 0], [1, numWs, wDim]);
      const wb = keys.slice([(a + 1) % seeds.length, 0, 0], [1, numWs, wDim]);
      return G.synthesize(tf.add(wa, tf.mul(tf.sub(wb, wa), t)) as tfjs.Tensor3D, { noiseMode: 'const' });
    });
    frames.set(img.dataSync(), k * r * r * c);
    img.dispose();
  }
  keys.dispose();
  await saveVideo(file, frames, [total, r, r, c]);
  return total;
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
    .option(
      '--projected-w <npz>',
      'render the ws of a projected_w.npz (trainer project, projector.py) instead of seeds',
    )
    .option(
      '--interp <list>',
      'latent-walk video through these seeds (interp.webp, or interp.mp4 with --video mp4)',
      seedRanges,
    )
    .option('--interp-frames <n>', 'frames between consecutive --interp seeds', positiveInt, 30)
    .addOption(
      new Option('--video <format>', 'latent-walk video format (mp4 needs ffmpeg)')
        .choices(['webp', 'mp4'])
        .default('webp'),
    )
    .action(async (f: GenerateFlags) => {
      const { tf } = await initTf({ backend: f.backend });
      const file = resolveResume(f.network, RUNS_DIR, '--network');
      const G = loadGenerator(tf, file, f.raw ? 'G' : 'G_ema');
      mkdirSync(f.outdir, { recursive: true });
      if (f.projectedW) {
        const n = await renderProjectedW(tf, G, f.projectedW, f.outdir);
        process.stdout.write(`wrote ${n} image(s) of ${f.projectedW} through ${file} to ${f.outdir}\n`);
        G.dispose();
        return;
      }
      if (f.interp) {
        const out = join(f.outdir, `interp.${f.video}`);
        const n = await renderInterpolation(tf, G, f.interp, f.interpFrames, f.trunc, out);
        process.stdout.write(
          `wrote a ${n}-frame latent walk through seeds ${f.interp.join(',')} to ${out}\n`,
        );
        G.dispose();
        return;
      }
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
