import { initTf } from '@portrait-forge/tf-runtime';
import * as tf from '@tensorflow/tfjs';
import { CONFIG_NAMES, stylegan2Config } from './config';
import { minibatchStd } from './discriminator';
import { Generator } from './generator';
import { modulatedConv2d } from './layers';
import { createStyleGAN2 } from './model';
import { downsample2d, upsample2d } from './ops';
import { deserializeWeights, lerpWeights, serializeWeights, copyWeights } from './weights';

beforeAll(async () => {
  await initTf({ log: () => undefined });
});

const maxAbsDiff = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);

describe('networks', () => {
  it('backend is wasm', () => {
    expect(tf.getBackend()).toBe('wasm');
  });

  // Each config's architecture (demod, G/D architecture, mapping depth, mbstd group) at 8 px. Widths are
  // capped at 32 so the suite stays fast on shared CPUs; the full channel tables are checked in config.spec.
  it.each(CONFIG_NAMES.map((name, i) => [name, i % 2 === 0 ? 3 : 1] as const))(
    'config %s builds G and D with the right shapes at 8 px (channels %d, widths capped at 32)',
    (name, channels) => {
      const full = stylegan2Config(name, { resolution: 8, channels, batch: 2 });
      const cap = Math.min(full.channelMax, 32);
      const cfg = { ...full, channelMax: cap, zDim: Math.min(full.zDim, 32), wDim: Math.min(full.wDim, 32) };
      const sg = createStyleGAN2(cfg, 1);
      tf.tidy(() => {
        const img = sg.G.generate(tf.randomNormal([2, cfg.zDim], 0, 1, 'float32', 1) as tf.Tensor2D);
        expect(img.shape).toEqual([2, 8, 8, channels]);
        expect(sg.G.numWs).toBe(4);
        expect(sg.D.apply(img).shape).toEqual([2, 1]);
      });
      const names = sg.G.store.names();
      expect(names.includes('synthesis.b4.torgb.weight')).toBe(
        full.gArchitecture === 'skip' || full.progressive !== null,
      );
      expect(sg.D.store.names().includes('b8.skip.weight')).toBe(full.dArchitecture === 'resnet');
      expect(names.filter((n) => /^mapping\.fc\d+\.weight$/.test(n))).toHaveLength(full.mappingLayers);
      sg.dispose();
    },
  );

  it('tiny config produces 32×32 images and logits; num_ws = 2·log2(res) − 2', () => {
    const cfg = stylegan2Config('tiny', { resolution: 32, channels: 3 });
    const sg = createStyleGAN2(cfg, 2);
    tf.tidy(() => {
      const img = sg.G.generate(tf.randomNormal([4, cfg.zDim], 0, 1, 'float32', 2) as tf.Tensor2D);
      expect(img.shape).toEqual([4, 32, 32, 3]);
      expect(sg.G.numWs).toBe(8);
      expect(sg.D.apply(img).shape).toEqual([4, 1]);
    });
    sg.dispose();
  });

  it('demodulated conv gives unit-variance output for unit-variance input (±10 %)', () => {
    tf.tidy(() => {
      const x = tf.randomNormal([8, 16, 16, 128], 0, 1, 'float32', 3) as tf.Tensor4D;
      const w = tf.randomNormal([128, 128, 3, 3], 0, 1, 'float32', 4);
      const styles = tf.add(1, tf.randomNormal([8, 128], 0, 0.5, 'float32', 5)) as tf.Tensor2D;
      const y = modulatedConv2d(x, w, styles, { demodulate: true, up: false });
      const variance = tf.moments(y.slice([0, 1, 1, 0], [-1, 14, 14, -1])).variance.dataSync()[0];
      expect(Math.abs(variance - 1)).toBeLessThan(0.1);
      const yUp = modulatedConv2d(x, w, styles, { demodulate: true, up: true });
      expect(yUp.shape).toEqual([8, 32, 32, 128]);
    });
  });

  it('FIR up/down-sampling keeps a constant image constant away from borders (gain 4 / 1)', () => {
    tf.tidy(() => {
      const ones = tf.ones([1, 8, 8, 2]) as tf.Tensor4D;
      const up = upsample2d(ones);
      expect(up.shape).toEqual([1, 16, 16, 2]);
      expect(maxAbsDiff(up.slice([0, 2, 2, 0], [1, 12, 12, 2]), tf.ones([1, 12, 12, 2]))).toBeLessThan(1e-6);
      const down = downsample2d(ones);
      expect(down.shape).toEqual([1, 4, 4, 2]);
      expect(maxAbsDiff(down.slice([0, 1, 1, 0], [1, 2, 2, 2]), tf.ones([1, 2, 2, 2]))).toBeLessThan(1e-6);
    });
  });

  it('minibatch std groups samples i, i + N/G, … as NVlabs and appends one channel', () => {
    tf.tidy(() => {
      const x = tf.randomNormal([4, 2, 2, 3], 0, 1, 'float32', 6) as tf.Tensor4D;
      const y = minibatchStd(x, 2);
      expect(y.shape).toEqual([4, 2, 2, 4]);
      const v = x.arraySync();
      const expected = [0, 1].map((j) => {
        let sum = 0;
        for (let h = 0; h < 2; h++)
          for (let w = 0; w < 2; w++)
            for (let c = 0; c < 3; c++) {
              const a = v[j][h][w][c];
              const b = v[j + 2][h][w][c];
              sum += Math.sqrt(((a - b) / 2) ** 2 + 1e-8);
            }
        return sum / 12;
      });
      const got = y.slice([0, 0, 0, 3], [4, 1, 1, 1]).dataSync();
      expect(Array.from(got).map((g) => +g.toFixed(5))).toEqual(
        [expected[0], expected[1], expected[0], expected[1]].map((e) => +e.toFixed(5)),
      );
    });
  });

  it('style mixing takes ws[:cutoff] from z and ws[cutoff:] from the second z', () => {
    const cfg = stylegan2Config('tiny', { resolution: 16 });
    const sg = createStyleGAN2(cfg, 3);
    tf.tidy(() => {
      const z = tf.randomNormal([2, cfg.zDim], 0, 1, 'float32', 7) as tf.Tensor2D;
      const mixZ = tf.randomNormal([2, cfg.zDim], 0, 1, 'float32', 8) as tf.Tensor2D;
      const ws = sg.runMapping({ mixZ, mixCutoff: 2 }, z);
      const a = sg.G.map(z);
      const b = sg.G.map(mixZ);
      expect(maxAbsDiff(ws.slice([0, 0, 0], [-1, 2, -1]), a.slice([0, 0, 0], [-1, 2, -1]))).toBe(0);
      expect(maxAbsDiff(ws.slice([0, 2, 0], [-1, 4, -1]), b.slice([0, 2, 0], [-1, 4, -1]))).toBe(0);
      expect(maxAbsDiff(a, b)).toBeGreaterThan(1e-3);
    });
    sg.dispose();
  });

  it('truncation ψ = 0 returns the w_avg image for every z; ψ only touches the first `cutoff` ws', () => {
    const cfg = stylegan2Config('tiny', { resolution: 16 });
    const G = new Generator(cfg, 4);
    tf.tidy(() => {
      for (let i = 0; i < 3; i++)
        G.map(tf.randomNormal([8, cfg.zDim], 0, 1, 'float32', 10 + i) as tf.Tensor2D, { updateWAvg: true });
      expect(tf.max(tf.abs(G.wAvg)).dataSync()[0]).toBeGreaterThan(0);
      const z = tf.randomNormal([3, cfg.zDim], 0, 1, 'float32', 9) as tf.Tensor2D;
      const img = G.generate(z, { truncationPsi: 0, noiseMode: 'const' });
      const avgWs = tf.tile(tf.reshape(G.wAvg, [1, 1, cfg.wDim]), [3, G.numWs, 1]) as tf.Tensor3D;
      expect(maxAbsDiff(img, G.synthesize(avgWs, { noiseMode: 'const' }))).toBeLessThan(1e-5);
      const ws = G.map(z, { truncationPsi: 0, truncationCutoff: 2 });
      expect(maxAbsDiff(ws.slice([0, 0, 0], [-1, 2, -1]), avgWs.slice([0, 0, 0], [-1, 2, -1]))).toBeLessThan(
        1e-6,
      );
      expect(maxAbsDiff(ws.slice([0, 2, 0], [-1, -1, -1]), G.map(z).slice([0, 2, 0], [-1, -1, -1]))).toBe(0);
    });
    G.dispose();
  });

  it('weights are deterministic per seed and round-trip through the plain format', () => {
    const cfg = stylegan2Config('tiny', { resolution: 16, channels: 1 });
    const [a, b, c] = [new Generator(cfg, 5), new Generator(cfg, 5), new Generator(cfg, 6)];
    const wa = serializeWeights(a.store);
    const wc = serializeWeights(c.store);
    expect(Object.keys(wa)).toContain('synthesis.b16.conv0.weight');
    expect(wa['synthesis.b16.conv0.weight'].shape).toEqual([4, 8, 3, 3]);
    expect(serializeWeights(b.store)).toEqual(wa);
    expect(wc['mapping.fc0.weight'].data).not.toEqual(wa['mapping.fc0.weight'].data);
    deserializeWeights(c.store, wa);
    tf.tidy(() => {
      const z = tf.randomNormal([2, cfg.zDim], 0, 1, 'float32', 11) as tf.Tensor2D;
      expect(maxAbsDiff(a.generate(z, { noiseMode: 'const' }), c.generate(z, { noiseMode: 'const' }))).toBe(
        0,
      );
    });
    const bad = { ...wa, 'mapping.fc0.weight': { ...wa['mapping.fc0.weight'], shape: [1, 64] } };
    expect(() => deserializeWeights(c.store, bad, 'ckpt.json')).toThrow(
      /ckpt.json: tensor "mapping.fc0.weight" has shape \[1, 64\]/,
    );
    const { ['mapping.fc1.bias']: _dropped, ...missing } = wa;
    expect(() => deserializeWeights(c.store, missing, 'ckpt.json')).toThrow(
      /missing tensor "mapping.fc1.bias"/,
    );
    for (const g of [a, b, c]) g.dispose();
  });

  it('lerpWeights is NVlabs EMA: p_ema ← p + (p_ema − p)·β, buffers copied', () => {
    const cfg = stylegan2Config('tiny', { resolution: 8 });
    const [g, ema] = [new Generator(cfg, 1), new Generator(cfg, 2)];
    const before = serializeWeights(ema.store);
    lerpWeights(ema.store, g.store, 0.9);
    const src = serializeWeights(g.store);
    const after = serializeWeights(ema.store);
    const w = 'synthesis.b8.conv1.weight';
    expect(after[w].data[3]).toBeCloseTo(src[w].data[3] + (before[w].data[3] - src[w].data[3]) * 0.9, 5);
    expect(after['synthesis.b8.conv1.noise_const'].data).toEqual(src['synthesis.b8.conv1.noise_const'].data);
    copyWeights(g.store, ema.store);
    expect(serializeWeights(ema.store)).toEqual(src);
    g.dispose();
    ema.dispose();
  });
});
