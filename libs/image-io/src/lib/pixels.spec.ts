import { byteToRange, rangeToByte } from './pixels';

describe('pixel ranges', () => {
  it('maps bytes to [-1, 1] as NVlabs (img / 127.5 - 1) and every byte back unchanged', () => {
    for (let b = 0; b < 256; b++) expect(rangeToByte(byteToRange(b, '-1..1'), '-1..1')).toBe(b);
    expect([byteToRange(0, '-1..1'), byteToRange(255, '-1..1')]).toEqual([-1, 1]);
    expect([rangeToByte(-3, '-1..1'), rangeToByte(1.2, '-1..1')]).toEqual([0, 255]);
  });
});
