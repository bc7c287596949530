import sharp from 'sharp';
import { decodeImage, ImageDecodeError } from './decode';

describe('decodeImage', () => {
  it('decodes a PNG to RGB and to gray', async () => {
    const png = await sharp({
      create: {
        width: 4,
        height: 3,
        channels: 3,
        background: { r: 255, g: 0, b: 0 },
      },
    })
      .png()
      .toBuffer();
    const rgb = await decodeImage(png);
    expect([rgb.width, rgb.height, rgb.channels, rgb.data.length]).toEqual([4, 3, 3, 36]);
    expect(Array.from(rgb.data.slice(0, 3))).toEqual([255, 0, 0]);
    const gray = await decodeImage(png, { channels: 1 });
    expect(gray.data.length).toBe(12);
  });

  it('names the input when the bytes are not an image', async () => {
    await expect(decodeImage(Buffer.from('hello'), {}, 'notes.jpg')).rejects.toThrow(ImageDecodeError);
    await expect(decodeImage(Buffer.from('hello'), {}, 'notes.jpg')).rejects.toThrow(/^notes\.jpg: /);
  });
});
