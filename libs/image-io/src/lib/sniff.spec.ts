import { gzipSync } from 'node:zlib';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { decodeImage, ImageDecodeError } from './decode';
import { openPhoto } from './photo';
import { sniffFormat } from './sniff';

/** An SVG whose only content is an <image> pulling a local file in, as librsvg would resolve it. */
function svgWithFileHref(target: string): Buffer {
  return Buffer.from(
    `\ufeff<?xml version="1.0"?>\n<!-- a drawing -->\n<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="64" height="64"><image xlink:href="file://${target}" width="64" height="64"/></svg>`,
  );
}

async function problemOf(input: Buffer | string): Promise<[string, string]> {
  try {
    await decodeImage(input, {}, 'case');
  } catch (err) {
    expect(err).toBeInstanceOf(ImageDecodeError);
    return [(err as ImageDecodeError).problem, (err as ImageDecodeError).reason];
  }
  throw new Error('expected a refusal');
}

describe('not photos are refused before any decoder runs', () => {
  const secret = join(mkdtempSync(join(tmpdir(), 'sniff-')), 'secret.png');
  beforeAll(async () => {
    writeFileSync(
      secret,
      await sharp({ create: { width: 64, height: 64, channels: 3, background: '#ff0000' } })
        .png()
        .toBuffer(),
    );
  });

  it.each([
    ['SVG with a file:// href', () => svgWithFileHref(secret), /SVG vector drawing/],
    ['SVGZ', () => gzipSync(svgWithFileHref(secret)), /gzip/],
    ['PDF', () => Buffer.from('%PDF-1.7\n1 0 obj <<>> endobj\n'), /PDF document/],
    ['EPS', () => Buffer.from('%!PS-Adobe-3.0 EPSF-3.0\n'), /PostScript/],
    ['HTML', () => Buffer.from('<!doctype html><html><body>hi</body></html>'), /XML\/HTML/],
  ])('%s is not_a_photo', async (_name, make, format) => {
    const [problem, reason] = await problemOf(make());
    expect(problem).toBe('not_a_photo');
    expect(reason).toMatch(format);
    expect(reason).toMatch(/without rendering/);
  });

  it('openPhoto refuses the same way, and from a path too', async () => {
    await expect(openPhoto(svgWithFileHref(secret), 'x.jpg')).rejects.toMatchObject({
      problem: 'not_a_photo',
    });
    const file = join(mkdtempSync(join(tmpdir(), 'sniff-')), 'drawing.jpg');
    writeFileSync(file, svgWithFileHref(secret));
    expect((await problemOf(file))[0]).toBe('not_a_photo');
  });

  it('unknown bytes are a decode_error, rasters are recognised', async () => {
    expect(await problemOf(Buffer.from([1, 2, 3, 4, 5, 6, 7, 8]))).toEqual([
      'decode_error',
      expect.stringMatching(/not an image sharp can read/),
    ]);
    const jpeg = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#000' } })
      .jpeg()
      .toBuffer();
    expect(sniffFormat(jpeg)).toEqual({ kind: 'raster', format: 'jpeg' });
    const avif = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#000' } })
      .avif()
      .toBuffer();
    expect(sniffFormat(avif)).toEqual({ kind: 'raster', format: 'heif' });
  });
});
