import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { listImageFiles } from './files';
import { writeImageGrid } from './grid';
import { byteToRange, rangeToByte, toRgb } from './pixels';

describe('image-io shared helpers', () => {
  it('listImageFiles: image-named regular files, recursive, sorted; other files and folder links skipped', () => {
    const dir = mkdtempSync(join(tmpdir(), 'list-'));
    mkdirSync(join(dir, 'b'));
    for (const f of ['b/2.PNG', 'a.jpg', 'notes.txt', 'c.webp']) writeFileSync(join(dir, f), 'x');
    symlinkSync(join(dir, 'b'), join(dir, 'link-to-b'));
    expect(listImageFiles(dir)).toEqual([join(dir, 'a.jpg'), join(dir, 'b/2.PNG'), join(dir, 'c.webp')]);
    expect(listImageFiles(dir, { recursive: false })).toEqual([join(dir, 'a.jpg'), join(dir, 'c.webp')]);
  });

  it('pixel ranges round-trip every byte; -1..1 is NVlabs’ x / 127.5 - 1 and x · 127.5 + 128 clipped', () => {
    for (const range of ['0..255', '0..1', '-1..1'] as const)
      for (let b = 0; b < 256; b++) expect(rangeToByte(byteToRange(b, range), range)).toBe(b);
    expect(byteToRange(0, '-1..1')).toBe(-1);
    expect(rangeToByte(1, '-1..1')).toBe(255);
    expect(rangeToByte(-1.5, '-1..1')).toBe(0);
  });

  it('toRgb replicates gray and leaves RGB alone', () => {
    const gray = { data: Uint8Array.from([7, 9]), width: 2, height: 1, channels: 1 as const };
    expect(Array.from(toRgb(gray).data)).toEqual([7, 7, 7, 9, 9, 9]);
    const rgb = toRgb(gray);
    expect(toRgb(rgb)).toBe(rgb);
  });

  it('writeImageGrid joins tiles across, with captions and empty tiles', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'grid-'));
    const red = { data: new Uint8Array(8 * 8 * 3).fill(200), width: 8, height: 8, channels: 3 as const };
    const plain = join(dir, 'plain.png');
    await writeImageGrid(plain, [{ image: red }, { image: red }, { image: red }], {
      columns: 2,
      background: '#000000',
    });
    const { data, info } = await sharp(plain).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([16, 16]);
    expect(data[0]).toBe(200); // top-left tile
    expect(data[(12 * 16 + 12) * info.channels]).toBe(0); // the empty fourth cell is background
    const captioned = join(dir, 'captioned.jpg');
    await writeImageGrid(
      captioned,
      [
        { image: red, caption: 'a' },
        { image: null, caption: 'b', flagged: true },
      ],
      {
        columns: 2,
        tile: 32,
      },
    );
    expect(await sharp(captioned).metadata()).toMatchObject({ format: 'jpeg', width: 64, height: 48 });
    const single = join(dir, 'single.png');
    await writeImageGrid(single, [{ image: red, caption: 'only' }], { columns: 4, tile: 32 });
    expect(await sharp(single).metadata()).toMatchObject({ width: 32, height: 48 });
    await expect(writeImageGrid(join(dir, 'x.png'), [], { columns: 1 })).rejects.toThrow(/at least one tile/);
  });
});
