import { bytesToSigned, bytesToSignedInto, signedToByte, signedToBytes } from './pixels';

describe('pixel ranges', () => {
  it('maps bytes to [-1, 1] as NVlabs (img / 127.5 - 1), and back with + 128 (half a level up, clipped)', () => {
    const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);
    const signed = bytesToSigned(bytes);
    expect(signed[0]).toBe(-1);
    expect(signed[255]).toBe(1);
    expect(signed[100]).toBe(Math.fround(100 / 127.5 - 1));
    const back = signedToBytes(signed);
    for (let b = 0; b < 255; b++) expect(back[b] - b).toBeGreaterThanOrEqual(0);
    for (let b = 0; b < 255; b++) expect(back[b] - b).toBeLessThanOrEqual(1);
    expect([back[0], back[255]]).toEqual([1, 255]);
  });

  it('rounds and clips out-of-range network outputs', () => {
    expect([signedToByte(-3), signedToByte(0), signedToByte(1.2), signedToByte(NaN)]).toEqual([
      0,
      128,
      255,
      NaN,
    ]);
  });

  it('writes in place at an offset', () => {
    const out = new Float32Array(4).fill(7);
    bytesToSignedInto([0, 255], out, 1);
    expect(Array.from(out)).toEqual([7, -1, 1, 7]);
  });
});
