import { initTf } from '@portrait-forge/tf-runtime';
import * as tf from '@tensorflow/tfjs';
import { stylegan2Config, type ConfigName, type StyleGAN2Config } from './config';
import { Discriminator } from './discriminator';
import { Generator } from './generator';
import { createStyleGAN2 } from './model';
import { boxDownsample, nearestUpsample } from './ops';

beforeAll(async () => {
  await initTf({ log: () => undefined });
});

const maxAbs = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);

function small(name: ConfigName, overrides: Partial<StyleGAN2Config> = {}): StyleGAN2Config {
  const full = stylegan2Config(name, { resolution: 16, channels: 1, batch: 4 });
  return { ...full, channelMax: 16, zDim: 16, wDim: 16, mappingLayers: 2, ...overrides };
}

function imageAt(G: Generator, ws: tf.Tensor3D, lod: number): tf.Tensor4D {
  G.lod = lod;
  return G.synthesize(ws, { noiseMode: 'const' });
}

describe('progressive growing (configs a–d)', () => {
  it('a–d grow from 8 px with a toRGB / fromRGB per resolution; e, f do not grow', () => {
    for (const name of ['a', 'b', 'c', 'd', 'e', 'f'] as const) {
      const cfg = small(name);
      const G = new Generator(cfg, 1);
      const D = new Discriminator(cfg, 2);
      const grows = cfg.progressive !== null;
      expect(grows).toBe('abcd'.includes(name));
      expect(G.store.names().includes('synthesis.b8.torgb.weight')).toBe(
        grows || cfg.gArchitecture === 'skip',
      );
      expect(D.store.names().includes('b8.fromrgb.weight')).toBe(grows);
      if (!grows) expect(() => (G.lod = 0.5)).toThrow(/no progressive growing/);
      G.dispose();
      D.dispose();
    }
  });

  it("G_style's output at lod α is (1 − α)·full + α·(next coarser level, nearest-upscaled)", () => {
    const G = new Generator(small('a'), 3);
    tf.tidy(() => {
      const ws = G.map(tf.randomNormal([2, 16], 0, 1, 'float32', 4) as tf.Tensor2D);
      const full = imageAt(G, ws, 0);
      const coarse = imageAt(G, ws, 1);
      // lod 1 is the 8 px level upscaled: constant over 2×2 cells.
      expect(maxAbs(coarse, nearestUpsample(boxDownsample(coarse, 2), 2))).toBeLessThan(1e-5);
      expect(maxAbs(full, coarse)).toBeGreaterThan(1e-3);
      const blended = tf.add(tf.mul(full, 0.75), tf.mul(coarse, 0.25));
      expect(maxAbs(imageAt(G, ws, 0.25), blended)).toBeLessThan(1e-4);
    });
    G.dispose();
  });

  it('G_synthesis_stylegan_revised fades linearly in lod between levels', () => {
    const G = new Generator(small('b'), 5);
    tf.tidy(() => {
      const ws = G.map(tf.randomNormal([2, 16], 0, 1, 'float32', 6) as tf.Tensor2D);
      const at0 = imageAt(G, ws, 0);
      const step = (a: number) => tf.sub(imageAt(G, ws, a), at0);
      expect(maxAbs(step(0.5), tf.mul(step(0.25), 2))).toBeLessThan(1e-4);
      expect(maxAbs(step(0.25), tf.zerosLike(at0))).toBeGreaterThan(1e-4);
    });
    G.dispose();
  });

  it('D at lod 1 sees only the 8 px level; at lod 0.5 it blends both', () => {
    for (const name of ['a', 'b'] as const) {
      const D = new Discriminator(small(name), 7);
      tf.tidy(() => {
        const img = tf.randomNormal([4, 16, 16, 1], 0, 1, 'float32', 8) as tf.Tensor4D;
        const coarse = nearestUpsample(boxDownsample(img, 2), 2);
        D.lod = 1;
        expect(maxAbs(D.apply(img), D.apply(coarse))).toBeLessThan(1e-5);
        D.lod = 0.5;
        expect(maxAbs(D.apply(img), D.apply(coarse))).toBeGreaterThan(1e-5);
      });
      D.dispose();
    }
  });
});

describe('style mixing while growing (NVlabs StyleMix cur_layers)', () => {
  it.each(['a', 'b'] as const)(
    'config %s at lod 1 mixes only within the ws the 8 px level runs, with probability 0.9',
    (name) => {
      const sg = createStyleGAN2(small(name), 12);
      sg.setLod(1);
      const active = sg.G.synthesis.activeWs;
      expect(active).toBe(sg.G.numWs - 2);
      // The ws past `active` do not reach the image at lod 1, so mixing there would be no mixing.
      tf.tidy(() => {
        const ws = sg.G.map(tf.randomNormal([2, 16], 0, 1, 'float32', 13) as tf.Tensor2D);
        const other = sg.G.map(tf.randomNormal([2, 16], 0, 1, 'float32', 14) as tf.Tensor2D);
        const tail = [sg.G.numWs - active];
        const swapped = tf.concat(
          [ws.slice([0, 0, 0], [-1, active, -1]), other.slice([0, active, 0], [-1, tail[0], -1])],
          1,
        );
        expect(maxAbs(imageAt(sg.G, ws, 1), imageAt(sg.G, swapped as tf.Tensor3D, 1))).toBeLessThan(1e-6);
      });
      const draws = Array.from({ length: 2000 }, () => sg.drawMixCutoff());
      const mixed = draws.filter((c) => c < sg.G.numWs);
      expect(mixed.every((c) => c >= 1 && c < active)).toBe(true);
      expect(new Set(mixed).size).toBe(active - 1);
      expect(mixed.length / draws.length).toBeCloseTo(0.9, 1);
      sg.dispose();
    },
  );
});

describe('noConst (Aydao: the 4×4 input is a dense layer of w)', () => {
  it.each(['e', 'a'] as const)(
    'config %s with noConst has no const tensor and its 4×4 input depends on w',
    (name) => {
      const outputs = (noConst: boolean): number => {
        const G = new Generator(small(name, { noConst }), 9);
        const names = G.store.names();
        expect(names.includes('synthesis.b4.const')).toBe(!noConst);
        expect(names.includes('synthesis.b4.dense.weight')).toBe(noConst);
        // Freeze the styles of the 4×4 layers so that w[0] can reach them only through the input.
        for (const n of names.filter((k) => /^synthesis\.b4\..*(affine|style)\.weight$/.test(k))) {
          const v = G.store.get(n);
          v.assign(tf.zerosLike(v));
        }
        const diff = tf.tidy(() => {
          const ws = G.map(tf.randomNormal([2, 16], 0, 1, 'float32', 10) as tf.Tensor2D);
          const other = G.map(tf.randomNormal([2, 16], 0, 1, 'float32', 11) as tf.Tensor2D);
          const mask = tf.reshape(tf.oneHot([0], G.numWs), [1, G.numWs, 1]);
          const swapped = tf.add(tf.mul(other, mask), tf.mul(ws, tf.sub(1, mask))) as tf.Tensor3D;
          return maxAbs(
            G.synthesize(ws, { noiseMode: 'none' }),
            G.synthesize(swapped, { noiseMode: 'none' }),
          );
        });
        G.dispose();
        return diff;
      };
      expect(outputs(false)).toBeLessThan(1e-6);
      expect(outputs(true)).toBeGreaterThan(1e-3);
    },
  );
});
