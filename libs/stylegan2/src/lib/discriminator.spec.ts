import { initTf } from '@portrait-forge/tf-runtime';
import * as tf from '@tensorflow/tfjs';
import { stylegan2Config, type StyleGAN2Config } from './config';
import { Discriminator } from './discriminator';
import { Generator } from './generator';

beforeAll(async () => {
  await initTf({ log: () => undefined });
});

const tiny = (name: 'a' | 'e'): StyleGAN2Config => ({
  ...stylegan2Config(name, { resolution: 8, channels: 1, batch: 4 }),
  channelBase: 64,
  channelMax: 8,
  zDim: 8,
  wDim: 8,
  mappingLayers: 2,
});

/** Every bias off 0, so that where the He gain sits shows in the output. */
function perturbBiases(store: { names(): string[]; get(name: string): tf.Variable }): void {
  let seed = 200;
  for (const name of store.names().filter((n) => n.endsWith('.bias'))) {
    const v = store.get(name);
    v.assign(tf.randomNormal(v.shape, 0, 0.5, 'float32', seed++));
  }
}

const leakyRelu = (x: tf.Tensor) => tf.maximum(x, tf.mul(x, 0.2));
const relErr = (a: tf.Tensor, b: tf.Tensor) =>
  tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] / tf.max(tf.abs(b)).dataSync()[0]);

/** networks_stylegan.py get_weight(use_wscale=True): N(0,1) storage × gain/√fan_in × lrmul at runtime. */
const wscale = (w: tf.Tensor, gain: number, lrmul = 1) =>
  tf.mul(w, (gain / Math.sqrt(w.size / (w.shape[0] as number))) * lrmul);

describe("config a's StyleGAN networks put the He gain √2 in the weight (networks_stylegan.py)", () => {
  it('G_mapping: lrelu(x·(√2·W/√n·lrmul)ᵀ + b·lrmul) after pixel norm', () => {
    const G = new Generator(tiny('a'), 3);
    perturbBiases(G.store);
    tf.tidy(() => {
      const z = tf.randomNormal([3, 8], 0, 1, 'float32', 4) as tf.Tensor2D;
      let x: tf.Tensor = tf.mul(z, tf.rsqrt(tf.add(tf.mean(tf.square(z), 1, true), 1e-8)));
      for (const i of [0, 1]) {
        const w = wscale(G.store.get(`mapping.fc${i}.weight`), Math.SQRT2, 0.01);
        x = leakyRelu(tf.add(tf.matMul(x, w, false, true), tf.mul(G.store.get(`mapping.fc${i}.bias`), 0.01)));
      }
      const ours = tf.squeeze(tf.slice(G.map(z), [0, 0, 0], [-1, 1, -1]), [1]);
      expect(relErr(ours, x)).toBeLessThan(1e-5);
    });
    G.dispose();
  });

  it('D_basic at 8²: fromRGB, conv, blur → conv → box ↓2, minibatch std, conv, dense, dense', () => {
    const D = new Discriminator(tiny('a'), 5);
    perturbBiases(D.store);
    const p = (name: string) => D.store.get(name);
    tf.tidy(() => {
      const img = tf.randomUniform([4, 8, 8, 1], -1, 1, 'float32', 6) as tf.Tensor4D;
      const conv = (x: tf.Tensor4D, name: string, gain: number) => {
        const w = wscale(p(`${name}.weight`), gain);
        return tf.conv2d(x, tf.transpose(w, [2, 3, 1, 0]) as tf.Tensor4D, 1, 'same');
      };
      const act = (x: tf.Tensor, name: string) => leakyRelu(tf.add(x, p(`${name}.bias`))) as tf.Tensor4D;
      const blur = (x: tf.Tensor4D) => {
        const f = tf.div(tf.outerProduct(tf.tensor1d([1, 2, 1]), tf.tensor1d([1, 2, 1])), 16);
        const c = x.shape[3];
        return tf.depthwiseConv2d(
          x,
          tf.tile(tf.reshape(f, [3, 3, 1, 1]), [1, 1, c, 1]) as tf.Tensor4D,
          1,
          'same',
        );
      };
      let x = act(conv(img, 'b8.fromrgb', Math.SQRT2), 'b8.fromrgb');
      x = act(conv(x, 'b8.conv0', Math.SQRT2), 'b8.conv0');
      x = act(tf.avgPool(conv(blur(x), 'b8.conv1', Math.SQRT2), 2, 2, 'valid'), 'b8.conv1');
      // minibatch_stddev_layer, group 4 = the whole batch.
      const centred = tf.sub(x, tf.mean(x, 0, true));
      const std = tf.mean(tf.sqrt(tf.add(tf.mean(tf.square(centred), 0), 1e-8)));
      x = tf.concat([x, tf.fill([4, 4, 4, 1], std.dataSync()[0])], 3) as tf.Tensor4D;
      x = act(conv(x, 'b4.conv', Math.SQRT2), 'b4.conv');
      const flat = tf.reshape(tf.transpose(x, [0, 3, 1, 2]), [4, -1]);
      const h = leakyRelu(
        tf.add(tf.matMul(flat, wscale(p('b4.fc.weight'), Math.SQRT2), false, true), p('b4.fc.bias')),
      );
      const ref = tf.add(tf.matMul(h, wscale(p('b4.out.weight'), 1), false, true), p('b4.out.bias'));
      expect(relErr(D.apply(img), ref)).toBeLessThan(1e-5);
    });
    D.dispose();
  });

  it("SG2's networks keep the gain after the activation (config e's mapping is √2·lrelu(Wx/√n + b))", () => {
    const G = new Generator(tiny('e'), 3);
    perturbBiases(G.store);
    tf.tidy(() => {
      const z = tf.randomNormal([3, 8], 0, 1, 'float32', 4) as tf.Tensor2D;
      let x: tf.Tensor = tf.mul(z, tf.rsqrt(tf.add(tf.mean(tf.square(z), 1, true), 1e-8)));
      for (const i of [0, 1]) {
        const w = wscale(G.store.get(`mapping.fc${i}.weight`), 1, 0.01);
        const pre = tf.add(tf.matMul(x, w, false, true), tf.mul(G.store.get(`mapping.fc${i}.bias`), 0.01));
        x = tf.mul(leakyRelu(pre), Math.SQRT2);
      }
      const ours = tf.squeeze(tf.slice(G.map(z), [0, 0, 0], [-1, 1, -1]), [1]);
      expect(relErr(ours, x)).toBeLessThan(1e-5);
    });
    G.dispose();
  });
});

describe('Discriminator.applyPair (fakes and reals in one pass)', () => {
  const config = stylegan2Config('small', { resolution: 8, channels: 3, batch: 8 }); // mbstd groups of 4
  const D = new Discriminator(config, 3);
  perturbBiases(D.store);
  const images = (n: number, seed: number) =>
    tf.randomUniform([n, 8, 8, 3], -1, 1, 'float32', seed) as tf.Tensor4D;

  it('gives the logits of two separate passes, minibatch-std groups included', () => {
    const [a, b] = [images(8, 1), images(8, 2)];
    const [la, lb] = D.applyPair(a, b);
    expect(relErr(la, D.apply(a))).toBeLessThan(1e-5);
    expect(relErr(lb, D.apply(b))).toBeLessThan(1e-5);
    // A plain concat would mix the batches in the std groups: the test can tell.
    const mixed = D.apply(tf.concat([a, b]) as tf.Tensor4D).slice([0, 0], [8, 1]);
    expect(relErr(mixed, D.apply(a))).toBeGreaterThan(1e-3);
  });

  it("gives D's gradients of the two passes' loss", () => {
    const [a, b] = [images(8, 3), images(8, 4)];
    const vars = [...D.store.trainable().values()];
    const loss = (la: tf.Tensor, lb: tf.Tensor) =>
      tf.add(tf.mean(tf.softplus(la)), tf.mean(tf.softplus(tf.neg(lb)))) as tf.Scalar;
    const paired = tf.variableGrads(() => loss(...D.applyPair(a, b)), vars).grads;
    const separate = tf.variableGrads(() => loss(D.apply(a), D.apply(b)), vars).grads;
    for (const [id, g] of Object.entries(separate)) expect(relErr(paired[id], g)).toBeLessThan(1e-4);
  });

  it('runs batches it cannot pair (below the group size, other sizes) as two passes', () => {
    const [a, b] = [images(2, 5), images(2, 6)];
    const [la, lb] = D.applyPair(a, b);
    expect(relErr(la, D.apply(a))).toBe(0);
    expect(relErr(lb, D.apply(b))).toBe(0);
    const [lc] = D.applyPair(images(8, 7), images(4, 8));
    expect(lc.shape).toEqual([8, 1]);
  });
});
