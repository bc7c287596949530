import { parseSteps, scheduleAt, stepValue, type Recipe } from './schedules';
import { resolveConfig, resolveRecipe, resolveTrainOptions } from './options';

// Seed 004, model M: LR 1e-3 → 1e-4 after 10 000 kimg → 1e-5 after 20 000; γ 10 → 5 after 20 000; D at 2× G.
const M: Recipe = {
  gLr: 0.001,
  dLr: 0.002,
  r1Gamma: 10,
  lrSteps: parseSteps('10000:0.1,20000:0.01'),
  gammaSteps: parseSteps('20000:5'),
};

describe('step schedules of kimg', () => {
  it('parses KIMG:VALUE lists and rejects what is not one', () => {
    expect(parseSteps('10000:0.1, 20000:0.01')).toEqual([
      [10000, 0.1],
      [20000, 0.01],
    ]);
    expect(parseSteps('')).toEqual([]);
    expect(parseSteps('none')).toEqual([]);
    expect(() => parseSteps('10000')).toThrow(/KIMG:VALUE.*10000:0\.1/);
    expect(() => parseSteps('1:2:3')).toThrow(/KIMG:VALUE/);
    expect(() => parseSteps('-5:1')).toThrow(/≥ 0/);
    expect(() => parseSteps('20000:0.1,10000:0.01')).toThrow(/must increase/);
  });

  it('gives each value from its kimg on', () => {
    const steps = parseSteps('10:2,20:3');
    expect([0, 9.999, 10, 15, 20, 1e6].map((k) => stepValue(steps, k, 1))).toEqual([1, 1, 2, 2, 3, 3]);
  });

  it.each([
    [0, { gLr: 0.001, dLr: 0.002, r1Gamma: 10 }],
    [9999, { gLr: 0.001, dLr: 0.002, r1Gamma: 10 }],
    [10000, { gLr: 0.0001, dLr: 0.0002, r1Gamma: 10 }],
    [20000, { gLr: 0.00001, dLr: 0.00002, r1Gamma: 5 }],
    [30000, { gLr: 0.00001, dLr: 0.00002, r1Gamma: 5 }],
  ])('the M recipe at kimg %d', (kimg, expected) => {
    const at = scheduleAt(M, kimg);
    expect(at.gLr).toBeCloseTo(expected.gLr, 12);
    expect(at.dLr).toBeCloseTo(expected.dLr, 12);
    expect(at.r1Gamma).toBe(expected.r1Gamma);
  });

  it('takes --glr/--dlr over --lr over the config, and --gamma as the base γ', () => {
    const recipe = (given: Record<string, unknown>) => {
      const o = resolveTrainOptions({ data: 'x', cfg: 'small', resolution: 32, ...given });
      return resolveRecipe(o, resolveConfig(o));
    };
    expect(recipe({})).toEqual(expect.objectContaining({ gLr: 0.002, dLr: 0.002, r1Gamma: 10 }));
    expect(recipe({ lr: 0.01, gamma: 3 })).toEqual(
      expect.objectContaining({ gLr: 0.01, dLr: 0.01, r1Gamma: 3 }),
    );
    expect(recipe({ lr: 0.01, dlr: 0.5 })).toEqual(expect.objectContaining({ gLr: 0.01, dLr: 0.5 }));
  });
});
