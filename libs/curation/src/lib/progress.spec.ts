import { RateMeter } from './progress';

describe('RateMeter', () => {
  it('one slow first file reads as slow, not 1000 img/s; the window then follows the pace', () => {
    let t = 0;
    const meter = new RateMeter(4, () => t);
    expect(meter.rate()).toBe(0);
    expect(meter.etaSeconds(10)).toBeNull();
    t = 5000;
    meter.tick();
    expect(meter.rate()).toBeCloseTo(0.2);
    for (let i = 0; i < 4; i++) {
      t += 100;
      meter.tick();
    }
    expect(meter.rate()).toBeCloseTo(10);
    expect(meter.etaSeconds(20)).toBeCloseTo(2);
  });
});
