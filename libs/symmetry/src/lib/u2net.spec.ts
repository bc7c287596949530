import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RawImage } from '@portrait-forge/image-io';
import { tinyU2netModel } from '@portrait-forge/test-support';
import reference from './__fixtures__/reference.json';
import { fromBase64, pred320, testImage } from './__fixtures__/generators';
import { createSilhouette, scoreSymmetry, type SilhouetteConfig } from './create-silhouette';
import { symmetryScore } from './metric';
import { isSilhouette, type Silhouette } from './silhouette';
import { postprocessU2net, preprocessU2net } from './u2net';

describe('preprocessU2net (rembg normalize)', () => {
  it('matches rembg computed with Pillow + numpy on a 24×16 image whose max is 200', () => {
    const c = reference.preprocess;
    const tensor = preprocessU2net({
      data: testImage(c.width, c.height),
      width: c.width,
      height: c.height,
      channels: 3,
    });
    expect(tensor.length).toBe(3 * 320 * 320);
    let sum = 0;
    let sumSq = 0;
    for (const v of tensor) {
      sum += v;
      sumSq += v * v;
    }
    expect(sum).toBeCloseTo(c.sum, 2);
    expect(sumSq).toBeCloseTo(c.sumSq, 1);
    c.indices.forEach((index, k) => expect(tensor[index]).toBeCloseTo(c.values[k], 6));
  });
});

describe('postprocessU2net (the seed: normPRED, ×255 to 8 bits, bilinear resize)', () => {
  it('is byte-identical to the seed run with Pillow', () => {
    const c = reference.postprocess;
    const mask = postprocessU2net(pred320(), 320, c.width, c.height);
    expect(Buffer.from(mask).equals(Buffer.from(fromBase64(c.mask)))).toBe(true);
  });

  it('gives an empty mask, not NaN, for a constant prediction', () => {
    expect(postprocessU2net(new Float32Array(320 * 320).fill(3), 320, 4, 4)).toEqual(new Uint8Array(16));
  });
});

/** Red levels[0] for x < w·5/16, levels[1] up to x < w·10/16, then levels[2]; green = max; rows above h·5/32 black. */
function stripes(width: number, height: number, levels = [200, 100, 90]): RawImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      const lit = y >= (height * 5) / 32;
      data[i] = !lit ? 0 : x < (width * 5) / 16 ? levels[0] : x < (width * 10) / 16 ? levels[1] : levels[2];
      data[i + 1] = levels[0];
    }
  return { data, width, height, channels: 3 };
}

describe('U-2-Net ONNX path end-to-end on a generated model', () => {
  let dir: string;
  let silhouette: Silhouette;
  const lines: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'symmetry-onnx-'));
    const modelPath = join(dir, 'tiny-u2net.onnx');
    await writeFile(modelPath, tinyU2netModel());
    const created = await createSilhouette({
      backend: 'u2netp',
      u2netModel: modelPath,
      log: (l) => lines.push(l),
    });
    if (!isSilhouette(created)) throw new Error(created.reason);
    silhouette = created;
  });

  afterAll(async () => {
    await silhouette?.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it('logs the execution provider and the local file', () => {
    expect(silhouette.runtime).toMatch(/^onnxruntime-node (cpu|cuda)$/);
    expect(lines.join('\n')).toMatch(/execution provider: cpu|on onnxruntime cuda/);
    expect(lines.join('\n')).toMatch(/not the pinned/); // a local file that is not the real u2netp is allowed, with a warning
  });

  it('produces the exact expected mask at 320×320 (division by the image max, ImageNet norm, first output/channel)', async () => {
    // r/max: 1.0 and 0.5 are > 0.485 (foreground); 0.45 is not. Dividing by 255 instead would drop the 0.5 stripe.
    const image = stripes(320, 320);
    const mask = await silhouette.mask(image);
    for (let y = 0; y < 320; y += 7)
      for (let x = 0; x < 320; x += 3) {
        expect([x, y, mask[y * 320 + x]]).toEqual([x, y, y >= 50 && x < 200 ? 255 : 0]);
      }
  });

  it('resizes the mask back to a non-square image size', async () => {
    // Lanczos ringing at the edges can push the max above the plateau, so use full-scale levels here.
    const image = stripes(160, 96, [255, 140, 105]);
    const mask = await silhouette.mask(image);
    expect(mask.length).toBe(160 * 96);
    expect(mask[40 * 160 + 20]).toBe(255);
    expect(mask[40 * 160 + 80]).toBe(255);
    expect(mask[40 * 160 + 140]).toBe(0);
    expect(mask[5 * 160 + 20]).toBe(0);
    const result = await scoreSymmetry(silhouette, image);
    expect(result).toEqual({
      status: 'scored',
      backend: 'u2netp',
      score: symmetryScore(mask, 160, 96),
      threshold: 0.06,
      // 80 lit columns left vs 20 right, but the same rows lit: the metric compares the *shape* of the
      // row profiles (normalised), not left/right mass, so this lopsided mask still counts as symmetric.
      symmetric: true,
    });
  });
});

describe('createSilhouette when no model is available', () => {
  let empty: string;
  beforeAll(async () => {
    empty = await mkdtemp(join(tmpdir(), 'symmetry-empty-'));
  });
  afterAll(() => rm(empty, { recursive: true, force: true }));

  const unavailable = async (config: Omit<SilhouetteConfig, 'cacheDir' | 'log'>) => {
    const result = await createSilhouette({ ...config, cacheDir: empty, log: () => undefined });
    expect(isSilhouette(result)).toBe(false);
    return result;
  };

  it('explicit u2net without the weights and without downloads: not_available naming the URL and the fix', async () => {
    const result = await unavailable({ backend: 'u2net', allowDownload: false });
    const scored = await scoreSymmetry(result, {
      data: new Uint8Array(12),
      width: 2,
      height: 2,
      channels: 3,
    });
    expect(scored.status).toBe('not_scored');
    if (scored.status === 'not_scored') {
      expect(scored.reason).toMatch(
        /u2net\.onnx is not in the cache.*releases\/download\/v0\.0\.0\/u2net\.onnx.*--u2net-model PATH/,
      );
    }
  });

  it('auto with no U-2-Net cached and no tfjs models: not_available listing every backend it tried', async () => {
    const result = await unavailable({ backend: 'auto', tfjsModelDir: empty });
    if (!isSilhouette(result))
      expect(result.reason).toMatch(/u2net: .*not cached; u2netp: .*not cached; selfie: .*selfie\.json/);
  });
});
