import { initTf } from '@portrait-forge/tf-runtime';
import * as tf from '@tensorflow/tfjs';
import { stylegan2Config, type StyleGAN2Config } from './config';
import { Generator } from './generator';

beforeAll(async () => {
  await initTf({ log: () => undefined });
});

/** G_style at 8² with 8 feature maps: small enough to restate NVlabs' G_synthesis by hand. */
function tinyStyleConfig(): StyleGAN2Config {
  const full = stylegan2Config('a', { resolution: 8, channels: 1, batch: 2 });
  return { ...full, channelBase: 64, channelMax: 8, zDim: 8, wDim: 8, mappingLayers: 2 };
}

/**
 * NVlabs stylegan2 training/networks_stylegan.py G_synthesis (structure 'fixed', randomize_noise=False,
 * fused_scale off below 128 px), written out op by op in NCHW from the same parameters.
 */
function nvlabsGSynthesis(G: Generator, ws: tf.Tensor3D): tf.Tensor4D {
  const p = (name: string) => G.store.get(`synthesis.${name}`);
  const n = ws.shape[0];
  // get_weight(use_wscale=True): N(0, 1) weights × gain / √fan_in at runtime.
  const conv2d = (x: tf.Tensor4D, weight: tf.Tensor, gain: number) => {
    const [o, i, k] = weight.shape;
    const w = tf.mul(tf.transpose(weight, [2, 3, 1, 0]), gain / Math.sqrt(i * k * k)) as tf.Tensor4D;
    expect(o).toBe(w.shape[3]);
    return tf.conv2d(x, w, 1, 'same', 'NCHW');
  };
  const dense = (x: tf.Tensor2D, weight: tf.Tensor, gain: number) =>
    tf.matMul(x, tf.mul(weight, gain / Math.sqrt(weight.shape[1] as number)), false, true);
  const channelBias = (b: tf.Tensor) => tf.reshape(b, [1, -1, 1, 1]);
  const upscale2d = (x: tf.Tensor4D) => {
    const [b, c, h, w] = x.shape;
    return tf.reshape(tf.tile(tf.reshape(x, [b, c, h, 1, w, 1]), [1, 1, 1, 2, 1, 2]), [
      b,
      c,
      2 * h,
      2 * w,
    ]) as tf.Tensor4D;
  };
  const blur2d = (x: tf.Tensor4D) => {
    const f = tf.div(tf.outerProduct(tf.tensor1d([1, 2, 1]), tf.tensor1d([1, 2, 1])), 16);
    const c = x.shape[1];
    const filter = tf.tile(tf.reshape(f, [3, 3, 1, 1]), [1, 1, c, 1]) as tf.Tensor4D;
    const nhwc = tf.transpose(x, [0, 2, 3, 1]) as tf.Tensor4D;
    return tf.transpose(tf.depthwiseConv2d(nhwc, filter, 1, 'same'), [0, 3, 1, 2]) as tf.Tensor4D;
  };
  const leakyRelu = (x: tf.Tensor) => tf.maximum(x, tf.mul(x, 0.2));
  const instanceNorm = (x: tf.Tensor) => {
    const centred = tf.sub(x, tf.mean(x, [2, 3], true));
    return tf.mul(centred, tf.rsqrt(tf.add(tf.mean(tf.square(centred), [2, 3], true), 1e-8)));
  };
  const layerEpilogue = (x: tf.Tensor, name: string, layerIdx: number) => {
    const r = x.shape[2] as number;
    const noise = tf.reshape(p(`${name}.noise_const`), [1, 1, r, r]);
    x = tf.add(x, tf.mul(noise, channelBias(p(`${name}.noise_strength`))));
    x = instanceNorm(leakyRelu(tf.add(x, channelBias(p(`${name}.bias`)))));
    const dlatent = tf.squeeze(tf.slice(ws, [0, layerIdx, 0], [n, 1, -1]), [1]) as tf.Tensor2D;
    const style = tf.add(dense(dlatent, p(`${name}.style.weight`), 1), p(`${name}.style.bias`));
    const s = tf.reshape(style, [n, 2, -1, 1, 1]);
    const scale = tf.squeeze(tf.slice(s, [0, 0], [n, 1]), [1]);
    const shift = tf.squeeze(tf.slice(s, [0, 1], [n, 1]), [1]);
    return tf.add(tf.mul(x, tf.add(scale, 1)), shift) as tf.Tensor4D;
  };
  let x = tf.tile(tf.expandDims(p('b4.const'), 0), [n, 1, 1, 1]) as tf.Tensor4D;
  x = layerEpilogue(x, 'b4.epilogue0', 0);
  x = layerEpilogue(conv2d(x, p('b4.conv1.weight'), Math.SQRT2), 'b4.epilogue1', 1);
  x = layerEpilogue(blur2d(conv2d(upscale2d(x), p('b8.conv0.weight'), Math.SQRT2)), 'b8.epilogue0', 2);
  x = layerEpilogue(conv2d(x, p('b8.conv1.weight'), Math.SQRT2), 'b8.epilogue1', 3);
  const rgb = tf.add(conv2d(x, p('b8.torgb.weight'), 1), channelBias(p('b8.torgb.bias')));
  return tf.transpose(rgb, [0, 2, 3, 1]) as tf.Tensor4D;
}

describe('G_style synthesis (config a)', () => {
  it("equals NVlabs' G_synthesis op by op, with trained-looking noise strengths, biases and styles", () => {
    const G = new Generator(tinyStyleConfig(), 11);
    // Noise strength and biases start at 0, which would hide where the conv gain sits; give them values.
    let seed = 100;
    for (const name of G.store.names()) {
      if (/(noise_strength|bias)$/.test(name)) {
        const v = G.store.get(name);
        v.assign(tf.randomNormal(v.shape, 0, 0.5, 'float32', seed++));
      }
    }
    tf.tidy(() => {
      const ws = tf.randomNormal([2, G.numWs, 8], 0, 1, 'float32', 7) as tf.Tensor3D;
      const ours = G.synthesize(ws, { noiseMode: 'const' });
      const reference = nvlabsGSynthesis(G, ws);
      expect(ours.shape).toEqual([2, 8, 8, 1]);
      const err = tf.max(tf.abs(tf.sub(ours, reference))).dataSync()[0];
      const scale = tf.max(tf.abs(reference)).dataSync()[0];
      expect(scale).toBeGreaterThan(0.1);
      expect(err).toBeLessThan(1e-4 * scale);
    });
    G.dispose();
  });
});
