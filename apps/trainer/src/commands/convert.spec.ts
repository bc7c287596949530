import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { featureMatrix, formatNpy, parseNpy } from '@portrait-forge/metrics';
import {
  createStyleGAN2,
  serializeWeights,
  stylegan2Config,
  type ConfigName,
  Generator,
  type PlainWeights,
} from '@portrait-forge/stylegan2';
import { initTf } from '@portrait-forge/tf-runtime';
import {
  NETWORK_CHECKPOINT_FORMAT,
  loadGenerator,
  loadNetworks,
  saveNetworkCheckpoint,
} from '@portrait-forge/training';
import { tempDir } from '@portrait-forge/training/testing';
import {
  DEFAULT_NVLABS_DIR,
  DEFAULT_PYTHON,
  nvlabsUnavailable,
  runConvertStep,
  type NvlabsEnv,
} from '../lib/nvlabs';
import { convert } from './convert';

const env: NvlabsEnv = { nvlabs: DEFAULT_NVLABS_DIR, python: DEFAULT_PYTHON };
const missing = nvlabsUnavailable(env);
if (missing)
  console.warn(`SKIPPED NVlabs pickle round trips: ${missing} (tools/parity/run.sh extracts the checkout)`);
const describeNvlabs = missing ? describe.skip : describe;

/** Max |ours − NVlabs| over G_ema(z) with constant noise, NVlabs' side run by convert.py generate. */
async function maxDiffVsNvlabs(G: Generator, pkl: string, dir: string): Promise<number> {
  const { tf } = await initTf({ backend: 'wasm', log: () => undefined });
  const n = 3;
  const z = tf.randomNormal([n, G.config.zDim], 0, 1, 'float32', 11) as import('@tensorflow/tfjs').Tensor2D;
  const zData = Float32Array.from(z.dataSync());
  writeFileSync(join(dir, 'z.npy'), formatNpy(featureMatrix(n, G.config.zDim, zData)));
  runConvertStep(env, 'generate', [pkl, join(dir, 'z.npy'), join(dir, 'ref.npy')]);
  const ref = parseNpy(readFileSync(join(dir, 'ref.npy'))).data;
  const ours = G.generate(z, { noiseMode: 'const' }).dataSync();
  expect(ours.length).toBe(ref.length);
  let diff = 0;
  for (let i = 0; i < ours.length; i++) diff = Math.max(diff, Math.abs(ours[i] - ref[i]));
  return diff;
}

function expectBitIdentical(a: PlainWeights, b: PlainWeights): void {
  expect(Object.keys(b).sort()).toEqual(Object.keys(a).sort());
  for (const [name, t] of Object.entries(a)) {
    expect([name, b[name].shape]).toEqual([name, t.shape]);
    expect(Buffer.from(b[name].data.buffer).equals(Buffer.from(t.data.buffer))).toBe(true);
  }
}

describeNvlabs('trainer convert: NVlabs pickles both ways', () => {
  it.each<[ConfigName, number]>([
    ['tiny', 16],
    ['small', 32],
  ])(
    '%s %ipx: ckpt → pkl renders as ours in NVlabs code, and → ckpt comes back bit-identical',
    async (name, res) => {
      const { tf } = await initTf({ backend: 'wasm', log: () => undefined });
      const dir = tempDir();
      const config = stylegan2Config(name, { resolution: res, channels: 3 });
      const sg = createStyleGAN2(config, 5);
      const Gema = new Generator(config, 6);
      let seed = 50; // biases, noise strengths and w_avg off their zero init
      for (const store of [sg.G.store, sg.D.store, Gema.store])
        for (const [, v] of store.entries())
          v.assign(tf.add(v, tf.randomNormal(v.shape, 0, 0.2, 'float32', seed++)));
      const groups = {
        G: serializeWeights(sg.G.store),
        D: serializeWeights(sg.D.store),
        G_ema: serializeWeights(Gema.store),
      };
      const ckpt = join(dir, 'net.ckpt');
      saveNetworkCheckpoint(
        ckpt,
        { format: NETWORK_CHECKPOINT_FORMAT, config, source: 'test', notes: [] },
        groups,
      );
      const pkl = join(dir, 'network-snapshot-000000.pkl');
      convert({ ...env, network: ckpt, out: pkl });
      const diff = await maxDiffVsNvlabs(Gema, pkl, dir);
      console.log(`${name} ${res}px: max |ours − NVlabs G_ema| = ${diff.toExponential(2)}`);
      expect(diff).toBeLessThan(1e-4);
      const back = join(dir, 'back.ckpt');
      convert({ ...env, network: pkl, out: back });
      const loaded = loadNetworks(back);
      expect(loaded.config).toEqual(config);
      for (const g of ['G', 'D', 'G_ema'] as const) expectBitIdentical(groups[g], loaded.groups[g]);
      sg.dispose();
      Gema.dispose();
    },
    120000,
  );

  it('a pickle NVlabs made from random init converts in and renders the same here', async () => {
    const { tf } = await initTf({ backend: 'wasm', log: () => undefined });
    void tf;
    const dir = tempDir();
    const config = stylegan2Config('small', { resolution: 16, channels: 3 });
    writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
    const pkl = join(dir, 'random.pkl');
    runConvertStep(env, 'random-pkl', [join(dir, 'config.json'), pkl]);
    const ckpt = join(dir, 'random.ckpt');
    const summary = convert({ ...env, network: pkl, out: ckpt });
    expect(summary).toMatch(/16² × 3, cbase 2048, cmax 64, map 2, G skip, D resnet/);
    const G = loadGenerator(tf, ckpt);
    const diff = await maxDiffVsNvlabs(G, pkl, dir);
    console.log(`NVlabs random-init pickle → ours: max |diff| = ${diff.toExponential(2)}`);
    expect(diff).toBeLessThan(1e-4);
    expect(loadNetworks(ckpt).config.name).toBe('stylegan2');
  }, 120000);

  it('a TF StyleGAN2 pickle converts through NVlabs legacy.py and renders the same here', async () => {
    const { tf } = await initTf({ backend: 'wasm', log: () => undefined });
    const dir = tempDir();
    const config = stylegan2Config('small', { resolution: 16, channels: 3 });
    writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
    const pkl = join(dir, 'stylegan2-tf.pkl');
    runConvertStep(env, 'tf-random-pkl', [join(dir, 'config.json'), pkl]);
    // (G, D, Gs) as dnnlib.tflib.network.Network objects, the class legacy.py unpickles as _TFNetworkStub.
    const bytes = readFileSync(pkl);
    for (const name of [
      'dnnlib.tflib.network',
      'G_main',
      'G_synthesis_stylegan2',
      'D_stylegan2',
      '4x4/Const/const',
    ])
      expect([name, bytes.includes(name)]).toEqual([name, true]);
    expect(bytes.includes('training.networks')).toBe(false);
    const ckpt = join(dir, 'stylegan2-tf.ckpt');
    const summary = convert({ ...env, network: pkl, out: ckpt });
    expect(summary).toMatch(/16² × 3, cbase 2048, cmax 64, map 2, G skip, D resnet/);
    expect(summary).toMatch(/group size not in the pickle/);
    const G = loadGenerator(tf, ckpt);
    const diff = await maxDiffVsNvlabs(G, pkl, dir);
    console.log(`TF StyleGAN2 pickle → legacy.py → ours: max |diff| = ${diff.toExponential(2)}`);
    expect(diff).toBeLessThan(1e-4);
    const { config: imported } = loadNetworks(ckpt);
    expect([imported.zDim, imported.wDim, imported.mbstdGroupSize]).toEqual([config.zDim, config.wDim, 4]);
  }, 120000);

  it('names the fix for a wrong output extension', () => {
    expect(() => convert({ ...env, network: 'x.pkl', out: 'x.pt' })).toThrow(/converts into a \.ckpt/);
    expect(() => convert({ ...env, network: 'x.ckpt', out: 'x.ckpt' })).toThrow(/NVlabs \.pkl/);
  });
});
