/**
 * Exports a tiny StyleGAN2 (weights, fixed inputs, forward outputs and the parameter gradients of every
 * loss phase) from our TensorFlow.js implementation, for `parity.py` to replay in NVlabs' PyTorch code.
 * Usage: npx tsx tools/parity/export.ts [out.json] [--res 16] [--channels 3] [--config tiny]
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { initTf } from '@portrait-forge/tf-runtime';
import {
  type ConfigName,
  createStyleGAN2,
  type Phase,
  type PlainWeights,
  serializeWeights,
  stylegan2Config,
} from '@portrait-forge/stylegan2';

type Json = Record<string, { shape: number[]; data: number[] }>;

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
}

function toJson(weights: PlainWeights): Json {
  const out: Json = {};
  for (const [k, v] of Object.entries(weights)) out[k] = { shape: v.shape, data: Array.from(v.data) };
  return out;
}

async function main(): Promise<void> {
  const { tf } = await initTf();
  const outPath =
    process.argv[2] && !process.argv[2].startsWith('--') ? process.argv[2] : 'tmp/parity/export.json';
  const resolution = Number(arg('--res', '16'));
  const channels = Number(arg('--channels', '3')) as 1 | 3;
  const config = stylegan2Config(arg('--config', 'tiny') as ConfigName, { resolution, channels });
  const sg = createStyleGAN2(config, 7);
  // Move every tensor off its init value (biases 0, noise strength 0, w_avg 0) so no term is trivially zero.
  let perturbSeed = 100;
  for (const store of [sg.G.store, sg.D.store]) {
    for (const [, v] of store.entries())
      v.assign(tf.add(v, tf.randomNormal(v.shape, 0, 0.2, 'float32', perturbSeed++)));
  }
  sg.plMean = 0.5;
  const n = config.batch;
  const z = tf.randomNormal([n, config.zDim], 0, 1, 'float32', 1) as tf.Tensor2D;
  const mixZ = tf.randomNormal([n, config.zDim], 0, 1, 'float32', 2) as tf.Tensor2D;
  const real = tf.randomUniform([n, resolution, resolution, channels], -1, 1, 'float32', 3) as tf.Tensor4D;
  const plBatch = n / config.plBatchShrink;
  const plNoise = tf.div(
    tf.randomNormal([plBatch, resolution, resolution, channels], 0, 1, 'float32', 4),
    resolution,
  ) as tf.Tensor4D;
  const mixCutoff = 2;
  const truncationPsi = 0.7;
  const truncationCutoff = 3;

  const dump = (t: tf.Tensor) => ({ shape: [...t.shape], data: Array.from(t.dataSync()) });
  const forward = {
    img: dump(sg.G.generate(z, { noiseMode: 'const' })),
    imgTruncated: dump(sg.G.generate(z, { noiseMode: 'const', truncationPsi, truncationCutoff })),
    logitsReal: dump(sg.D.apply(real)),
  };
  const inputs = { z, mixZ, mixCutoff, real, plNoise, noiseMode: 'const' as const, updateWAvg: false };
  const phases: Record<string, { loss: number; plMean?: number; grads: Json }> = {};
  for (const phase of ['Gmain', 'Greg', 'Dmain', 'Dreg'] as Phase[]) {
    const { grads, stats } = sg.phaseGradients(phase, inputs);
    const json: Json = {};
    for (const [name, g] of grads) json[name] = dump(g);
    phases[phase] = { loss: stats.loss, plMean: stats.plMean, grads: json };
  }
  const payload = {
    config,
    G: toJson(serializeWeights(sg.G.store)),
    D: toJson(serializeWeights(sg.D.store)),
    plMean: sg.plMean,
    inputs: {
      z: dump(z),
      mixZ: dump(mixZ),
      real: dump(real),
      plNoise: dump(plNoise),
      mixCutoff,
      truncationPsi,
      truncationCutoff,
    },
    forward,
    phases,
  };
  mkdirSync(dirname(outPath), { recursive: true });
  writeFileSync(outPath, JSON.stringify(payload));
  console.log(
    `wrote ${outPath} (${config.name} ${resolution}px ×${channels}, ${Object.keys(payload.G).length} G + ${Object.keys(payload.D).length} D tensors)`,
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
