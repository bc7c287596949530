import { join } from 'node:path';
import sharp from 'sharp';
import { Generator, serializeWeights, stylegan2Config } from '@portrait-forge/stylegan2';
import { initTf } from '@portrait-forge/tf-runtime';
import { saveCheckpoint } from './checkpoint';
import { generateImages, loadGenerator, styleMixingGrid } from './generate';
import { tempDir } from '../testing';

describe('generate from a checkpoint', () => {
  it('loads G_ema, honours ψ, and writes a style-mixing grid', async () => {
    const { tf } = await initTf({ backend: 'wasm', log: () => undefined });
    const config = stylegan2Config('tiny', { resolution: 8, channels: 1 });
    const G = new Generator(config, 3);
    G.wAvg.assign(tf.randomNormal([config.wDim], 0, 1, 'float32', 9));
    const dir = tempDir();
    const file = join(dir, 'network-snapshot-000000000.ckpt');
    saveCheckpoint(file, { meta: { config }, groups: { G_ema: serializeWeights(G.store) } });
    const loaded = loadGenerator(tf, file);
    const direct = generateImages(tf, G, [1, 2], 1);
    const fromCkpt = generateImages(tf, loaded, [1, 2], 1);
    expect(Array.from(fromCkpt.data)).toEqual(Array.from(direct.data));
    expect(fromCkpt.shape).toEqual([2, 8, 8, 1]);
    // ψ = 0: every seed gives the average-w image.
    const avg = generateImages(tf, loaded, [1, 2], 0);
    const per = 64;
    expect(Array.from(avg.data.subarray(0, per))).toEqual(Array.from(avg.data.subarray(per, 2 * per)));
    expect(Array.from(direct.data.subarray(0, per))).not.toEqual(
      Array.from(direct.data.subarray(per, 2 * per)),
    );
    // --trunc-cutoff: ψ on no ws is no truncation; on the first half, neither the plain nor the average image.
    expect(Array.from(generateImages(tf, loaded, [1, 2], 0, 0).data)).toEqual(Array.from(direct.data));
    const half = generateImages(tf, loaded, [1, 2], 0, Math.floor(loaded.numWs / 2)).data;
    expect(Array.from(half)).not.toEqual(Array.from(direct.data));
    expect(Array.from(half)).not.toEqual(Array.from(avg.data));
    const out = join(dir, 'mix.png');
    await styleMixingGrid(tf, loaded, [1, 2, 3], [4, 5], [0, 1], 1, out);
    const meta = await sharp(out).metadata();
    expect([meta.width, meta.height]).toEqual([3 * 8, 4 * 8]);
    expect(() => loadGenerator(tf, file, 'G')).toThrow(
      /lacks tensor group G; it was not written by trainer train/,
    );
  });
});
