import { differenceHash, hammingDistance, sha256 } from './hash';

function gradient(width: number, height: number, tweak = 0) {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      for (let c = 0; c < 3; c++)
        data[(y * width + x) * 3 + c] = Math.min(255, ((x * 7 + y * 3) % 256) + tweak * ((x + y) % 2));
  return { data, width, height, channels: 3 as const };
}

describe('hashes', () => {
  it('sha256 is the hex digest', () => {
    expect(sha256(Buffer.from('abc'))).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });
  it('dHash: identical for the same picture, close under noise, far for a different one', async () => {
    const a = await differenceHash(gradient(64, 64));
    expect(a).toMatch(/^[0-9a-f]{16}$/);
    expect(hammingDistance(a, await differenceHash(gradient(64, 64)))).toBe(0);
    expect(hammingDistance(a, await differenceHash(gradient(64, 64, 3)))).toBeLessThanOrEqual(4);
    const flipped = gradient(64, 64);
    flipped.data.reverse();
    expect(hammingDistance(a, await differenceHash(flipped))).toBeGreaterThan(10);
    expect(hammingDistance('ff', '00')).toBe(8);
  });
});
