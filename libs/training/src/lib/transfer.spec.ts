import { Discriminator, stylegan2Config } from '@portrait-forge/stylegan2';
import { initTf } from '@portrait-forge/tf-runtime';
import { listCheckpoints } from './checkpoint';
import { syntheticImageFolder, tempDir } from '../testing';
import { train } from './train';
import { loadTrainingCheckpoint } from './training-checkpoint';
import { checkTransferArchitecture, freezeDiscriminatorLayers } from './transfer';
import type { TrainOptionsInput } from './options';

const quiet = { echo: () => undefined };

describe('transfer learning', () => {
  it('--freezed N freezes D layers from the highest resolution, in DiscriminatorBlock order', async () => {
    const { tf } = await initTf({ backend: 'wasm', log: () => undefined });
    void tf;
    const D = new Discriminator(stylegan2Config('tiny', { resolution: 16 }), 1);
    expect(freezeDiscriminatorLayers(D.store, 5)).toEqual([
      'b16.fromrgb',
      'b16.conv0',
      'b16.conv1',
      'b16.skip',
      'b8.conv0',
    ]);
    const frozen = D.store.names().filter((n) => !D.store.trainable().has(n));
    expect(frozen.sort()).toEqual(
      ['b16.fromrgb', 'b16.conv0', 'b16.conv1', 'b16.skip', 'b8.conv0']
        .flatMap((l) => D.store.names().filter((n) => n.startsWith(`${l}.`)))
        .sort(),
    );
    expect(() => freezeDiscriminatorLayers(D.store, 99)).toThrow(/D has only \d+ block layers/);
    D.dispose();
  });

  it('names every architecture mismatch', () => {
    const a = stylegan2Config('tiny', { resolution: 16 });
    const b = stylegan2Config('small', { resolution: 32 });
    expect(() => checkTransferArchitecture(a, b, 'x.ckpt')).toThrow(
      /resolution is 32 there, 16 here; zDim is 128 there, 8 here.*Pass --res/,
    );
  });

  it('--resume CKPT --data NEW starts a new run from those weights; --freezed keeps D layers fixed', async () => {
    const outdir = tempDir();
    const base: TrainOptionsInput = {
      outdir,
      cfg: 'tiny',
      resolution: 8,
      channels: 1,
      kimg: 0.016,
      tickKimg: 0.016,
      snap: 1,
      aug: 'noaug',
      backend: 'wasm',
      grid: [2, 2],
      workers: 2,
      seed: 5,
    };
    const first = await train({ ...base, data: await syntheticImageFolder(6, 16) }, quiet);
    const source = loadTrainingCheckpoint(listCheckpoints(first.runDir)[0]);
    const second = await train(
      { ...base, data: await syntheticImageFolder(6, 16), resume: first.runDir, freezed: 3, seed: 9 },
      quiet,
    );
    expect(second.runDir).not.toBe(first.runDir);
    expect(second.curNimg).toBe(16); // counters start again
    const after = loadTrainingCheckpoint(listCheckpoints(second.runDir)[0]);
    expect(after.meta.options.freezed).toBe(3);
    const d = (c: typeof source, name: string): number[] => Array.from(c.groups.D[name].data);
    // frozen (b8.fromrgb, b8.conv0, b8.conv1) unchanged, the epilogue trained on
    expect(d(after, 'b8.conv0.weight')).toEqual(d(source, 'b8.conv0.weight'));
    expect(d(after, 'b8.fromrgb.weight')).toEqual(d(source, 'b8.fromrgb.weight'));
    expect(d(after, 'b4.out.weight')).not.toEqual(d(source, 'b4.out.weight'));
  }, 120000);
});
