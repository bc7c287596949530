import reference from './__fixtures__/reference.json';
import { fromBase64, testImage } from './__fixtures__/generators';
import { resizeU8, type ResampleFilter } from './resample';

describe('resizeU8 (Pillow-compatible)', () => {
  it.each(
    reference.resize.map(
      (c) => [`${c.filter} ${c.width}×${c.height} → ${c.outWidth}×${c.outHeight}`, c] as const,
    ),
  )('is byte-identical to Pillow 9.4: %s', (_label, c) => {
    const out = resizeU8(
      testImage(c.width, c.height),
      c.width,
      c.height,
      3,
      c.outWidth,
      c.outHeight,
      c.filter as ResampleFilter,
    );
    expect(Buffer.from(out).equals(Buffer.from(fromBase64(c.rgb)))).toBe(true);
  });

  it('leaves a same-size image unchanged', () => {
    const img = testImage(9, 7);
    expect(resizeU8(img, 9, 7, 3, 9, 7, 'lanczos')).toEqual(img);
  });

  it('rejects a buffer that does not match its size', () => {
    expect(() => resizeU8(new Uint8Array(5), 2, 2, 3, 4, 4, 'bilinear')).toThrow(
      /5 bytes do not make a 2×2×3 image/,
    );
  });
});
