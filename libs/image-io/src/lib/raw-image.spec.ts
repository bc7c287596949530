import { decodeImage } from './decode';
import { encodePng, rawToSharp, sharpToRaw, toGray } from './raw-image';

describe('raw image helpers', () => {
  const image = {
    data: new Uint8Array([255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30]),
    width: 2,
    height: 2,
    channels: 3 as const,
  };

  it('round-trips through PNG without loss', async () => {
    const back = await decodeImage(await encodePng(image));
    expect(Array.from(back.data)).toEqual(Array.from(image.data));
  });

  it('resizes through sharp without a second decode', async () => {
    const big = await sharpToRaw(rawToSharp(image).resize(4, 4, { kernel: 'nearest' }));
    expect([big.width, big.height, big.channels]).toEqual([4, 4, 3]);
  });

  it('keeps gray images gray through a resize', async () => {
    const gray = toGray(image);
    const big = await sharpToRaw(rawToSharp(gray).resize(4, 4, { kernel: 'nearest' }));
    expect([big.width, big.height, big.channels]).toEqual([4, 4, 1]);
  });

  it('converts to gray with BT.601 weights', () => {
    expect(Array.from(toGray(image).data)).toEqual([76, 150, 29, 18]);
  });
});
