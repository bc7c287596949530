import { CONFIG_NAMES, channelsAt, lazyAdamParams, stylegan2Config } from './config';

describe('stylegan2Config', () => {
  it('auto follows ada train.py: γ = 0.0002·res²/batch, 2 mapping layers, fmaps by resolution', () => {
    const c = stylegan2Config('auto', { resolution: 256 });
    expect(c.batch).toBe(16);
    expect(c.r1Gamma).toBeCloseTo((0.0002 * 256 * 256) / 16, 12);
    expect(c.mappingLayers).toBe(2);
    expect(c.mbstdGroupSize).toBe(4);
    expect(channelsAt(c, 256)).toBe(64);
    const c8 = stylegan2Config('auto', { resolution: 64, batch: 8 });
    expect(c8.r1Gamma).toBeCloseTo((0.0002 * 64 * 64) / 8, 12);
    expect(stylegan2Config('auto', { resolution: 1024 }).learningRate).toBe(0.002);
  });

  it('M/L/XL/XXL reproduce the seed 004 feature-map table at 64–1024 px', () => {
    const table = {
      M: [512, 384, 192, 96, 48],
      L: [512, 512, 256, 128, 64],
      XL: [640, 640, 320, 160, 80],
      XXL: [768, 768, 384, 192, 96],
    } as const;
    for (const [name, counts] of Object.entries(table)) {
      const c = stylegan2Config(name as keyof typeof table, { resolution: 1024 });
      expect([64, 128, 256, 512, 1024].map((r) => channelsAt(c, r))).toEqual(counts);
      expect(channelsAt(c, 8)).toBe(counts[0]);
    }
  });

  it('config f is NVlabs channel_base 32768 with lazy R1/PL; a disables demod, lazy reg and PL', () => {
    const f = stylegan2Config('f', { resolution: 1024 });
    expect([1024, 512, 256, 128, 64].map((r) => channelsAt(f, r))).toEqual([32, 64, 128, 256, 512]);
    expect([f.gRegInterval, f.dRegInterval, f.plWeight, f.styleMixingProb]).toEqual([4, 16, 2, 0.9]);
    const a = stylegan2Config('a', { resolution: 256 });
    expect([a.demodulate, a.gRegInterval, a.dRegInterval, a.plWeight]).toEqual([false, null, null, 0]);
    expect(stylegan2Config('e', { resolution: 256 }).r1Gamma).toBe(100);
  });

  it('applies the lazy-regularisation correction to Adam', () => {
    const c = stylegan2Config('paper256', { resolution: 256 });
    const g = lazyAdamParams(c, 4);
    expect(g.learningRate).toBeCloseTo(0.0025 * 0.8, 12);
    expect(g.betas[0]).toBe(0);
    expect(g.betas[1]).toBeCloseTo(0.99 ** 0.8, 12);
    expect(lazyAdamParams(c, 16).learningRate).toBeCloseTo((0.0025 * 16) / 17, 12);
    expect(lazyAdamParams(c, null).learningRate).toBe(0.0025);
  });

  it('rejects bad resolutions, channels and names with the fix in the message', () => {
    expect(() => stylegan2Config('f', { resolution: 100 })).toThrow(/power of two in 8–1024/);
    expect(() => stylegan2Config('f', { resolution: 2048 })).toThrow(/power of two/);
    expect(() => stylegan2Config('f', { resolution: 64, channels: 4 as 3 })).toThrow(/use 1 \(grey\) or 3/);
    expect(() => stylegan2Config('g' as 'f', { resolution: 64 })).toThrow(/use one of a, b/);
    expect(CONFIG_NAMES).toContain('tiny');
  });
});
