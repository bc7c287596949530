import { accumulateSigns, initialAda, maybeAdjust } from './ada';
import { emaBeta } from './ema';

describe('ADA p heuristic (NVlabs training_loop.py)', () => {
  const opts = { target: 0.6, interval: 4, adaKimg: 500, batch: 32 };

  it('raises p by batch·interval/(ada_kimg·1000) when D is over-confident on reals, clamps at 0', () => {
    let s = initialAda(0);
    for (let b = 1; b <= 4; b++) {
      s = accumulateSigns(s, 0.5, 4); // r_t = 0.5 … then 1
      s = maybeAdjust(s, b, opts);
    }
    // r_t = 0.5 < 0.6 → would go down, clamped at 0
    expect(s.p).toBe(0);
    s = accumulateSigns(s, 1, 4);
    s = maybeAdjust(s, 8, opts);
    expect(s.rt).toBe(1);
    expect(s.p).toBeCloseTo((32 * 4) / (500 * 1000), 12);
    expect(s.signCount).toBe(0);
  });

  it('only adjusts on every interval-th batch', () => {
    const s = maybeAdjust(accumulateSigns(initialAda(0.5), 1, 1), 3, opts);
    expect(s.p).toBe(0.5);
    expect(s.signCount).toBe(1);
  });
});

describe('EMA beta (NVlabs: ema_nimg = min(ema_kimg·1000, cur_nimg·rampup))', () => {
  it('copies G at the start and approaches the half-life', () => {
    expect(emaBeta(32, 10, 0.05, 0)).toBe(0);
    expect(emaBeta(32, 10, 0.05, 1000)).toBeCloseTo(0.5 ** (32 / 50), 12);
    expect(emaBeta(32, 10, 0.05, 1e7)).toBeCloseTo(0.5 ** (32 / 10000), 12);
    expect(emaBeta(32, 10, null, 0)).toBeCloseTo(0.5 ** (32 / 10000), 12);
  });
});
