import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { STAT } from '@portrait-forge/run-format';
import { syntheticImageFolder, tempDir } from '../testing';
import { train } from './train';

const quiet = { echo: () => undefined };

// SG2 paper configs a–f at 16² grey, widths capped at 16 (cbase 256). a–d grow from 8 px with a
// 0.02-kimg phase: batch 32 at 8² (NVlabs 256 for base 32, here base 4), fading in 16² at nimg 20–40.
describe.each(['a', 'b', 'c', 'd', 'e', 'f'] as const)('config %s', (cfg) => {
  it('trains 2 ticks at 16² with finite losses', async () => {
    const outdir = tempDir();
    const progressive = 'abcd'.includes(cfg);
    const result = await train(
      {
        data: await syntheticImageFolder(12, 16),
        outdir,
        cfg,
        resolution: 16,
        channels: 1,
        batch: 4,
        channelBase: 256,
        channelMax: 16,
        mappingLayers: 2,
        ...(progressive ? { lodKimg: 0.02 } : {}),
        kimg: 0.096,
        tickKimg: 0.048,
        snap: 10,
        aug: 'noaug',
        backend: 'wasm',
        grid: [2, 2],
        workers: 2,
        seed: 3,
      },
      quiet,
    );
    expect(result.stoppedBy).toBe('done');
    expect(result.nanSkips).toBe(0);
    const run = readdirSync(outdir)[0];
    const ticks = readFileSync(join(outdir, run, 'stats.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(ticks).toHaveLength(2);
    for (const t of ticks) {
      expect(Number.isFinite(t[STAT.gLoss].mean)).toBe(true);
      expect(Number.isFinite(t[STAT.dLoss].mean)).toBe(true);
    }
    if (progressive) {
      expect(ticks[0][STAT.lod].mean).toBeGreaterThan(0); // 8² then fading in 16²
      expect(ticks[1][STAT.lod].mean).toBe(0);
      expect(ticks[0][STAT.minibatch].mean).toBeGreaterThan(4);
    } else {
      expect(ticks[1][STAT.minibatch].mean).toBe(4);
    }
  }, 120_000);
});
