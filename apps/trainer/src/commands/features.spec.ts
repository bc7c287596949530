import { mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeWithShared } from '@portrait-forge/test-support';
import { readNpy } from '@portrait-forge/metrics';
import { createExtractor, listImages, runFeatures } from './features';

describeWithShared('data/faces-train', 'trainer:features on faces-train', (facesTrain) => {
  it('writes an N × 128 float32 .npy and a sidecar naming face128', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'features-'));
    const out = join(dir, 'x.npy');
    const sidecar = await runFeatures(
      {
        images: facesTrain,
        out,
        extractor: 'face128',
        crop: 0.6,
        batch: 4,
        limit: 6,
        progress: false,
      },
      () => undefined,
    );
    const m = await readNpy(out);
    expect([m.rows, m.cols]).toEqual([6, 128]);
    expect(sidecar.files).toHaveLength(6);
    expect(JSON.parse(readFileSync(`${out}.json`, 'utf8')).extractor).toBe('face128');
  }, 60000);
});

describe('trainer:features input errors', () => {
  it('names an empty or missing folder and a missing Inception model', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'empty-'));
    await expect(listImages(empty)).rejects.toThrow(/holds no images/);
    await expect(listImages(join(empty, 'missing'))).rejects.toThrow(/cannot list --images/);
    symlinkSync('/dev/null', join(empty, 'a.jpg'));
    expect(await listImages(empty)).toEqual(['a.jpg']);
    await expect(
      createExtractor({ extractor: 'inception', inceptionModel: join(empty, 'none.onnx'), crop: 1 }),
    ).rejects.toThrow(/--extractor inception: .*none\.onnx.*convert-inception\.py/);
  });
});
