import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { writeImageGrid } from './grid';

const grey = (value: number) => ({
  image: { data: new Uint8Array(16).fill(value), width: 4, height: 4, channels: 1 as const },
});

describe('writeImageGrid', () => {
  it('writes grey tiles opaque, with their own values (no band copied into alpha)', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'grid-')), 'g.png');
    await writeImageGrid(file, [grey(0), grey(128), grey(255)], { columns: 3, background: '#000000' });
    const { data, info } = await sharp(file).raw().toBuffer({ resolveWithObject: true });
    expect(info.channels).toBe(3);
    expect([info.width, info.height]).toEqual([12, 4]);
    // Row 0: each tile's first pixel, all three bands equal.
    for (const [x, value] of [
      [0, 0],
      [4, 128],
      [8, 255],
    ]) {
      expect(Array.from(data.subarray(x * 3, x * 3 + 3))).toEqual([value, value, value]);
    }
  });

  it('keeps colour tiles as they are', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'grid-')), 'c.png');
    const red = {
      image: {
        data: new Uint8Array(48).map((_, i) => (i % 3 === 0 ? 200 : 10)),
        width: 4,
        height: 4,
        channels: 3 as const,
      },
    };
    await writeImageGrid(file, [red, red], { columns: 2 });
    const { data, info } = await sharp(file).raw().toBuffer({ resolveWithObject: true });
    expect(info.channels).toBe(3);
    expect(Array.from(data.subarray(0, 3))).toEqual([200, 10, 10]);
  });
});
