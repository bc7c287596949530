import type * as tfjs from '@tensorflow/tfjs';
import { Generator, deserializeWeights } from '@portrait-forge/stylegan2';
import { saveImageGrid } from './grid';
import { latentsForSeeds } from './latents';
import { loadGeneratorWeights } from './training-checkpoint';

export interface GenerateResult {
  /** NHWC pixels in [-1, 1]. */
  data: Float32Array;
  shape: [number, number, number, number];
}

/** G_ema of a checkpoint (or G with `network: 'G'`). */
export function loadGenerator(tf: typeof tfjs, file: string, network: 'G_ema' | 'G' = 'G_ema'): Generator {
  void tf;
  const { config, weights } = loadGeneratorWeights(file, network);
  const G = new Generator(config, 0);
  deserializeWeights(G.store, weights, `${file} (${network})`);
  return G;
}

function ws(tf: typeof tfjs, G: Generator, seeds: number[], psi: number, cutoff?: number): tfjs.Tensor3D {
  const z = latentsForSeeds(seeds, G.config.zDim);
  return G.map(tf.tensor2d(z, [seeds.length, G.config.zDim]), {
    truncationPsi: psi,
    truncationCutoff: cutoff,
  });
}

/**
 * One image per seed (NVlabs generate.py: z from the seed, ψ toward w_avg, constant noise); `cutoff`
 * truncates only the first ws, the coarse layers (SG2's truncation_cutoff; unset: all).
 */
export function generateImages(
  tf: typeof tfjs,
  G: Generator,
  seeds: number[],
  psi = 1,
  cutoff?: number,
): GenerateResult {
  const out = tf.tidy(() => G.synthesize(ws(tf, G, seeds, psi, cutoff), { noiseMode: 'const' }));
  const data = out.dataSync() as Float32Array;
  const shape = out.shape as [number, number, number, number];
  out.dispose();
  return { data: Float32Array.from(data), shape };
}

/**
 * NVlabs style_mixing.py: a (rows+1)×(cols+1) grid; the first row shows the column seeds, the first
 * column the row seeds, and cell (r, c) takes the row's w with layers `styles` replaced by the column's.
 */
export async function styleMixingGrid(
  tf: typeof tfjs,
  G: Generator,
  rowSeeds: number[],
  colSeeds: number[],
  styles: number[],
  psi: number,
  file: string,
  cutoff?: number,
): Promise<void> {
  const r = G.config.resolution;
  const c = G.config.channels;
  const cols = colSeeds.length + 1;
  const cells = (rowSeeds.length + 1) * cols;
  const grid = new Float32Array(cells * r * r * c).fill(1); // white corner cell
  const per = r * r * c;
  const rowImgs = generateImages(tf, G, rowSeeds, psi, cutoff);
  const colImgs = generateImages(tf, G, colSeeds, psi, cutoff);
  colSeeds.forEach((_, j) => grid.set(colImgs.data.subarray(j * per, (j + 1) * per), (j + 1) * per));
  rowSeeds.forEach((_, i) => grid.set(rowImgs.data.subarray(i * per, (i + 1) * per), (i + 1) * cols * per));
  const styleSet = new Set(styles.filter((s) => s >= 0 && s < G.numWs));
  for (let i = 0; i < rowSeeds.length; i++) {
    const mixed = tf.tidy(() => {
      const wr = ws(tf, G, [rowSeeds[i]], psi, cutoff).tile([colSeeds.length, 1, 1]);
      const wc = ws(tf, G, colSeeds, psi, cutoff);
      const mask = tf
        .tensor1d(Array.from({ length: G.numWs }, (_, k) => (styleSet.has(k) ? 1 : 0)))
        .reshape([1, G.numWs, 1]);
      const w = wr.mul(tf.sub(1, mask)).add(wc.mul(mask)) as tfjs.Tensor3D;
      return G.synthesize(w, { noiseMode: 'const' });
    });
    const data = mixed.dataSync();
    mixed.dispose();
    grid.set(data, ((i + 1) * cols + 1) * per);
  }
  await saveImageGrid(file, grid, [cells, r, r, c], cols);
}
