import { deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { decodeImage, ImageDecodeError, type RawImage } from './decode';

const RED = { r: 255, g: 0, b: 0 };

function solid(width: number, height: number, channels: 3 | 4 = 3): sharp.Sharp {
  const background = channels === 4 ? { ...RED, alpha: 0.5 } : RED;
  return sharp({ create: { width, height, channels, background } });
}

function pixel(img: RawImage, x: number, y: number): number[] {
  const i = (y * img.width + x) * img.channels;
  return Array.from(img.data.slice(i, i + img.channels));
}

function crc32(buf: Buffer): number {
  let c = ~0;
  for (const byte of buf) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

function pngChunk(type: string, body: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(body.length);
  const typed = Buffer.concat([Buffer.from(type, 'ascii'), body]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed));
  return Buffer.concat([len, typed, crc]);
}

/** A tiny PNG whose header claims 30 000 × 30 000 pixels: a decompression bomb. */
function pngBomb(): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(30_000, 0);
  ihdr.writeUInt32BE(30_000, 4);
  ihdr.set([8, 0, 0, 0, 0], 8); // 8-bit gray
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(Buffer.alloc(30_001))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('decodeImage: formats', () => {
  it.each([
    ['JPEG', () => solid(8, 6).jpeg({ quality: 100 }).toBuffer()],
    ['PNG', () => solid(8, 6).png().toBuffer()],
    ['WebP', () => solid(8, 6).webp({ lossless: true }).toBuffer()],
    ['TIFF', () => solid(8, 6).tiff().toBuffer()],
    ['AVIF', () => solid(8, 6).avif({ lossless: true }).toBuffer()],
    ['GIF', () => solid(8, 6).gif().toBuffer()],
  ])('%s decodes to 8-bit sRGB', async (_name, make) => {
    const img = await decodeImage(await make());
    expect([img.width, img.height, img.channels]).toEqual([8, 6, 3]);
    const [r, g, b] = pixel(img, 4, 3);
    expect(r).toBeGreaterThan(240);
    expect(g).toBeLessThan(20);
    expect(b).toBeLessThan(20);
  });

  it('16-bit PNG becomes 8-bit', async () => {
    const png16 = await solid(5, 5).toColourspace('rgb16').png().toBuffer();
    expect((await sharp(png16).metadata()).depth).toBe('ushort');
    const img = await decodeImage(png16);
    expect(img.data).toBeInstanceOf(Uint8Array);
    expect(pixel(img, 2, 2)).toEqual([255, 0, 0]);
  });

  it('alpha is flattened on white', async () => {
    const img = await decodeImage(await solid(4, 4, 4).png().toBuffer());
    expect(img.channels).toBe(3);
    const [r, g, b] = pixel(img, 1, 1);
    expect(r).toBe(255);
    expect(g).toBeGreaterThan(120);
    expect(g).toBeLessThan(135);
    expect(b).toBe(g);
  });

  it('grayscale input becomes RGB, and RGB can be read as gray', async () => {
    const grayPng = await sharp({ create: { width: 3, height: 3, channels: 3, background: '#808080' } })
      .toColourspace('b-w')
      .png()
      .toBuffer();
    expect((await sharp(grayPng).metadata()).channels).toBe(1);
    const rgb = await decodeImage(grayPng);
    expect(pixel(rgb, 1, 1)).toEqual([128, 128, 128]);
    const gray = await decodeImage(await solid(3, 3).png().toBuffer(), { channels: 1 });
    expect(gray.channels).toBe(1);
    expect(gray.data.length).toBe(9);
  });

  it('CMYK JPEG is converted to sRGB', async () => {
    const cmyk = await solid(6, 6).toColourspace('cmyk').jpeg({ quality: 100 }).toBuffer();
    expect((await sharp(cmyk).metadata()).space).toBe('cmyk');
    const img = await decodeImage(cmyk);
    const [r, g, b] = pixel(img, 3, 3);
    expect(r).toBeGreaterThan(200);
    expect(g).toBeLessThan(80);
    expect(b).toBeLessThan(80);
  });

  it('applies EXIF orientation (6 = rotate 90° clockwise)', async () => {
    const wide = await solid(10, 4).jpeg().withMetadata({ orientation: 6 }).toBuffer();
    const img = await decodeImage(wide);
    expect([img.width, img.height]).toEqual([4, 10]);
  });

  it('takes the first frame of an animated GIF', async () => {
    const frames = Buffer.concat([
      Buffer.from(await solid(4, 4).raw().toBuffer()),
      Buffer.alloc(4 * 4 * 3, 255),
    ]);
    const gif = await sharp(frames, { raw: { width: 4, height: 8, channels: 3, pageHeight: 4 } })
      .gif()
      .toBuffer();
    expect((await sharp(gif).metadata()).pages).toBe(2);
    const img = await decodeImage(gif);
    expect([img.width, img.height]).toEqual([4, 4]);
    expect(pixel(img, 0, 0)[1]).toBeLessThan(30);
  });

  it('reads from a path and names it in errors', async () => {
    await expect(decodeImage('/nonexistent/photo.jpg')).rejects.toThrow(
      '/nonexistent/photo.jpg: file does not exist',
    );
  });
});

describe('decodeImage: broken input gets a clear ImageDecodeError', () => {
  async function reasonFor(buf: Buffer, options = {}): Promise<string> {
    try {
      await decodeImage(buf, options, 'case.jpg');
    } catch (err) {
      expect(err).toBeInstanceOf(ImageDecodeError);
      expect((err as ImageDecodeError).path).toBe('case.jpg');
      return (err as ImageDecodeError).reason;
    }
    throw new Error('expected decodeImage to fail');
  }

  it('zero bytes', async () => {
    expect(await reasonFor(Buffer.alloc(0))).toMatch(/empty/);
  });

  it('truncated JPEG', async () => {
    const jpeg = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#3366aa' } })
      .jpeg()
      .toBuffer();
    expect(await reasonFor(jpeg.subarray(0, Math.floor(jpeg.length / 2)))).toMatch(/truncated|corrupt/);
  });

  it('a text file named .jpg', async () => {
    expect(await reasonFor(Buffer.from('this is not a photo\n'))).toMatch(/not an image/);
  });

  it('an image over the pixel limit (30 000² PNG bomb)', async () => {
    expect(await reasonFor(pngBomb())).toMatch(/more than 100,000,000 pixels/);
  });

  it('respects a lower pixel limit', async () => {
    expect(await reasonFor(await solid(100, 100).png().toBuffer(), { maxPixels: 5_000 })).toMatch(
      /more than 5,000 pixels/,
    );
  });
});

describe('decodeImage: OpenCV-like options', () => {
  it('drops alpha instead of flattening it when asked', async () => {
    const img = await decodeImage(await solid(4, 4, 4).png().toBuffer(), { alpha: 'drop' });
    expect(pixel(img, 1, 1)).toEqual([255, 0, 0]);
  });

  it('ignores an embedded ICC profile when asked', async () => {
    const p3 = await solid(4, 4).withIccProfile('p3').jpeg({ quality: 100 }).toBuffer();
    const managed = await decodeImage(p3);
    const raw = await decodeImage(p3, { ignoreIcc: true });
    expect(pixel(managed, 1, 1)).not.toEqual(pixel(raw, 1, 1));
  });
});
