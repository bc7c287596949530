import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RawImage } from '@portrait-forge/image-io';
import { createInceptionExtractor } from './extractors';
import { tinyInceptionModel } from './__fixtures__/tiny-inception';

function solid(rgb: [number, number, number], width = 40, height = 30): RawImage {
  const data = new Uint8Array(width * height * 3);
  for (let p = 0; p < width * height; p++) data.set(rgb, p * 3);
  return { data, width, height, channels: 3 };
}

describe('Inception ONNX extractor (tiny stand-in graph)', () => {
  const modelPath = join(mkdtempSync(join(tmpdir(), 'inception-')), 'tiny.onnx');
  writeFileSync(modelPath, tinyInceptionModel());

  it('resizes to 299² as NVlabs, feeds NCHW 0–255 and returns one 2048-d vector per image', async () => {
    const raw = await createInceptionExtractor({ modelPath });
    const [red, grey] = await raw.extract([
      solid([255, 0, 0]),
      { data: new Uint8Array(50 * 50).fill(51), width: 50, height: 50, channels: 1 },
    ]);
    await raw.dispose();
    expect(raw.name).toBe('inception');
    expect(red).toHaveLength(2048);
    expect(Array.from(red.slice(0, 4))).toEqual([expect.closeTo(255, 3), 0, 0, 0]);
    expect(Array.from(grey.slice(0, 3))).toEqual([51, 51, 51].map((v) => expect.closeTo(v, 3)));
  });

  it('names the file when the model cannot be loaded', async () => {
    const bad = join(mkdtempSync(join(tmpdir(), 'inception-')), 'bad.onnx');
    writeFileSync(bad, 'not onnx');
    await expect(createInceptionExtractor({ modelPath: bad })).rejects.toThrow(
      /cannot load Inception ONNX .*bad\.onnx/,
    );
  });
});
