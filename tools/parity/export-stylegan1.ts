/**
 * Exports config a's networks (G_style with AdaIN, D_basic) at 16 px from our TensorFlow.js code: weights
 * moved off their init values, fixed inputs, and G's images and D's logits at lod 0, 0.5 and 1, for
 * `stylegan1.py` to recompute with NVlabs' networks_stylegan.py written out in PyTorch.
 * Usage: npx tsx tools/parity/export-stylegan1.ts [out.json]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type * as tfjs from '@tensorflow/tfjs';
import { initTf } from '@portrait-forge/tf-runtime';
import {
  createStyleGAN2,
  serializeWeights,
  stylegan2Config,
  type PlainWeights,
} from '@portrait-forge/stylegan2';

type Json = Record<string, { shape: number[]; data: number[] }>;

function toJson(weights: PlainWeights): Json {
  const out: Json = {};
  for (const [k, v] of Object.entries(weights)) out[k] = { shape: v.shape, data: Array.from(v.data) };
  return out;
}

const LODS = [0, 0.5, 1];

async function main(): Promise<void> {
  const { tf } = await initTf();
  const outPath = process.argv[2] ?? 'tmp/parity/export-stylegan1.json';
  const base = stylegan2Config('a', { resolution: 16, channels: 3, batch: 4 });
  const config = { ...base, zDim: 16, wDim: 16, mappingLayers: 3, channelBase: 128, channelMax: 16 };
  const sg = createStyleGAN2(config, 7);
  // Every tensor off its init value (biases 0, noise strengths 0, const 1), so no term is trivially zero.
  let seed = 100;
  for (const store of [sg.G.store, sg.D.store])
    for (const [, v] of store.entries())
      v.assign(tf.add(v, tf.randomNormal(v.shape, 0, 0.2, 'float32', seed++)));
  const dump = (t: tfjs.Tensor) => ({ shape: [...t.shape], data: Array.from(t.dataSync()) });
  const z = tf.randomNormal([config.batch, config.zDim], 0, 1, 'float32', 1) as tfjs.Tensor2D;
  const real = tf.randomUniform([config.batch, 16, 16, 3], -1, 1, 'float32', 3) as tfjs.Tensor4D;
  const ws = sg.G.map(z);
  const images: Record<string, unknown> = {};
  const logits: Record<string, unknown> = {};
  for (const lod of LODS) {
    sg.setLod(lod);
    images[String(lod)] = dump(sg.G.synthesize(ws, { noiseMode: 'const' }));
    logits[String(lod)] = dump(sg.D.apply(real));
  }
  const payload = {
    config,
    G: toJson(serializeWeights(sg.G.store)),
    D: toJson(serializeWeights(sg.D.store)),
    inputs: { z: dump(z), real: dump(real) },
    forward: { ws: dump(ws), images, logits },
  };
  mkdirSync(dirname(outPath), { recursive: true });
  writeFileSync(outPath, JSON.stringify(payload));
  console.log(`wrote ${outPath} (config a 16px ×3, lods ${LODS.join(', ')})`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
