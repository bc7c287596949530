import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RawImage } from '@portrait-forge/image-io';
import { describeWithTorch } from '@portrait-forge/test-support';
import { createInceptionExtractor, type FeatureExtractor } from './extractors';
import { fid } from './fid';
import { INCEPTION_SIZE, resizeLikeNvlabs, resolveInceptionOnnx } from './inception';
import { fromRows } from './matrix';
import { readNpy, writeNpy } from './npy';
import { createRng } from './random';

const SCRIPTS = join(__dirname, '..', '..', '..', '..', 'tools', 'scripts');

/** Smooth gradients plus noise, so the resize's interpolation matters; some grayscale. */
function testImage(seed: number, width: number, height: number, channels: 1 | 3): RawImage {
  const rng = createRng(seed);
  const data = new Uint8Array(width * height * channels);
  const phase = rng.next() * 6;
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      for (let c = 0; c < channels; c++) {
        const v = 128 + 90 * Math.sin(x / (7 + c) + y / 11 + phase) + 30 * (rng.next() - 0.5);
        data[(y * width + x) * channels + c] = Math.max(0, Math.min(255, Math.round(v)));
      }
  return { data, width, height, channels };
}

const SIZES: [number, number][] = [
  [299, 299],
  [256, 256],
  [64, 64],
  [128, 200],
  [512, 384],
  [37, 91],
  [1024, 1024],
  [300, 298],
];

describe('resizeLikeNvlabs', () => {
  it('keeps a 299² image, repeats grayscale and clamps at the border', () => {
    const S = INCEPTION_SIZE;
    const img = testImage(1, S, S, 3);
    const out = new Float32Array(3 * S * S);
    resizeLikeNvlabs(img, out);
    expect(out[S * S + 5 * S + 7]).toBe(img.data[(5 * S + 7) * 3 + 1]);
    const grey = testImage(2, 10, 4, 1);
    resizeLikeNvlabs(grey, out);
    expect(out[S * S - 1]).toBe(grey.data[39]); // last output pixel = last source pixel (border)
    expect(out[2 * S * S + 123]).toBe(out[123]);
  });

  it('names the converter command when the converted model is missing', () => {
    expect(() => resolveInceptionOnnx(undefined, '/nonexistent-cache')).toThrow(
      /\/nonexistent-cache\/inception-2015-12-05\.onnx.*inception-2015-12-05\.pt \(95607719 bytes, sha256 f58cb9b6.*convert-inception\.py --detector/,
    );
  });
});

describeWithTorch('Inception parity with NVlabs’ detector (random weights, same architecture)', (python) => {
  const dir = mkdtempSync(join(tmpdir(), 'inception-parity-'));
  const detector = join(dir, 'detector.pt');
  const onnx = join(dir, 'inception.onnx');
  const images = Array.from({ length: 32 }, (_, i) => {
    const [w, h] = SIZES[i % SIZES.length];
    return testImage(100 + i, w, h, i % 5 === 4 ? 1 : 3);
  });
  let extractor: FeatureExtractor;
  let ours: Float32Array[];

  beforeAll(async () => {
    const run = (script: string, ...args: string[]) =>
      execFileSync('nice', ['-n', '10', python, join(SCRIPTS, script), ...args], { encoding: 'utf8' });
    run('convert-inception-reference.py', 'make-detector', detector, '7');
    run('convert-inception.py', '--detector', detector, '--out', onnx);
    const list = images.map((img, i) => {
      const path = join(dir, `img${i}.raw`);
      writeFileSync(path, img.data);
      return { path, width: img.width, height: img.height, channels: img.channels };
    });
    writeFileSync(join(dir, 'images.json'), JSON.stringify(list));
    run(
      'convert-inception-reference.py',
      'features',
      detector,
      join(dir, 'images.json'),
      join(dir, 'ref.npy'),
    );
    extractor = await createInceptionExtractor({ modelPath: onnx });
    ours = [];
    for (let i = 0; i < images.length; i += 8)
      ours.push(...(await extractor.extract(images.slice(i, i + 8))));
  }, 600_000);

  afterAll(() => extractor?.dispose());

  it('gives the reference module’s pool3 features (rel. < 1e-4) on 32 images of 8 sizes', async () => {
    const ref = await readNpy(join(dir, 'ref.npy'));
    expect(ref.rows).toBe(32);
    let maxDiff = 0;
    let maxRef = 0;
    for (let i = 0; i < 32; i++)
      for (let k = 0; k < 2048; k++) {
        maxDiff = Math.max(maxDiff, Math.abs(ours[i][k] - ref.data[i * 2048 + k]));
        maxRef = Math.max(maxRef, Math.abs(ref.data[i * 2048 + k]));
      }
    process.stderr.write(
      `inception parity: max |diff| ${maxDiff.toExponential(2)}, rel ${(maxDiff / maxRef).toExponential(2)}\n`,
    );
    expect(maxRef).toBeGreaterThan(0);
    expect(maxDiff / maxRef).toBeLessThan(1e-4);
  }, 60_000);

  it('FID between two image sets equals NVlabs’ compute_fid (scipy sqrtm) on the same features', async () => {
    const a = join(dir, 'a.npy');
    const b = join(dir, 'b.npy');
    // The first 12 of the 2048 dims (full-rank covariances from 16 images; on all 2048 the float64 eigensolver took over 30 min on the loaded
    // 2-core machine): the formula under test does not depend on the dimension.
    const dims = (rows: Float32Array[]) => fromRows(rows.map((r) => r.subarray(0, 12)));
    await writeNpy(a, dims(ours.slice(0, 16)));
    await writeNpy(b, dims(ours.slice(16)));
    const out = execFileSync(python, [join(SCRIPTS, 'convert-inception-reference.py'), 'fid', a, b], {
      encoding: 'utf8',
    });
    const reference = JSON.parse(out.trim().split('\n').pop() as string).fid as number;
    const value = fid(await readNpy(a), await readNpy(b));
    process.stderr.write(`inception FID: ours ${value}, NVlabs formula ${reference}\n`);
    expect(Math.abs(value - reference) / reference).toBeLessThan(1e-6);
  }, 600_000);
});
