import { createWriteStream, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import yazl from 'yazl';
import { loadImage } from './loader';
import { openSource } from './sources';
import { syntheticImageFolder, tempDir } from '../testing';

async function zipFolder(dir: string, file: string): Promise<void> {
  const zip = new yazl.ZipFile();
  zip.addBuffer(Buffer.from(JSON.stringify({ labels: null })), 'dataset.json');
  for (const f of readdirSync(dir).sort().reverse()) zip.addBuffer(readFileSync(join(dir, f)), `00000/${f}`);
  zip.end();
  await new Promise<void>((ok, fail) =>
    zip.outputStream.pipe(createWriteStream(file)).on('close', ok).on('error', fail),
  );
}

describe('image sources', () => {
  it('reads an SG2-ADA zip entry by entry, in the same sorted order as the folder', async () => {
    const dir = await syntheticImageFolder(5, 16);
    const file = join(tempDir(), 'faces.zip');
    await zipFolder(dir, file);
    const [zip, folder] = [await openSource({ data: file }), await openSource({ data: dir })];
    expect(zip.size).toBe(5);
    expect(zip.name).toBe('faces');
    for (let i = 0; i < 5; i++) {
      const a = await zip.read(i);
      const b = await folder.read(i);
      expect(a.label).toMatch(/faces\.zip:00000\/img000\d\.png$/);
      expect(Array.from(await loadImage(a.input, a.label, 8, 1, false))).toEqual(
        Array.from(await loadImage(b.input, b.label, 8, 1, false)),
      );
    }
    await zip.close();
  });

  it('names bad --data with the fix', async () => {
    const junk = join(tempDir(), 'junk.bin');
    writeFileSync(junk, 'not a zip');
    await expect(openSource({ data: junk })).rejects.toThrow(/neither a folder nor a zip/);
    await expect(openSource({ data: '/nonexistent/x' })).rejects.toThrow(/no such file or folder/);
    await expect(openSource({})).rejects.toThrow(/--manifest PATH .* --data DIR\|ZIP/);
  });
});
