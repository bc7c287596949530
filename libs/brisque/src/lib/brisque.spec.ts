import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { rawToSharp, sharpToRaw, type RawImage } from '@portrait-forge/image-io';
import { describeWithShared, sharedPath } from '@portrait-forge/test-support';
import { brisque, brisqueFeatures, brisqueScore, DEFAULT_BRISQUE_THRESHOLD } from './brisque';
import { readImageLikeOpenCv } from './read-like-opencv';

interface Photo {
  file: string;
  category: string;
  image: RawImage;
  score: number;
  opencv: number;
}

function readCsv(path: string): string[][] {
  return readFileSync(path, 'utf8')
    .trim()
    .split(/\r?\n/)
    .slice(1)
    .map((line) => line.split(','));
}

describe('brisque (synthetic images)', () => {
  it('returns 36 features and a score in [0, 100] for gray and RGB buffers', () => {
    const width = 40;
    const height = 30;
    const gray = Uint8Array.from({ length: width * height }, (_, i) => (i * 37) % 256);
    const rgb = new Uint8Array(width * height * 3).map((_, i) => gray[Math.floor(i / 3)]);
    const fromGray = brisque({ data: gray, width, height, channels: 1 });
    const fromRgb = brisque({ data: rgb, width, height, channels: 3 });
    expect(fromGray.features).toHaveLength(36);
    expect(Array.from(fromRgb.features)).toEqual(Array.from(fromGray.features));
    expect(fromGray.score).toBeGreaterThanOrEqual(0);
    expect(fromGray.score).toBeLessThanOrEqual(100);
  });

  it('names the problem for a too-small image or a buffer of the wrong size', () => {
    expect(() => brisqueScore({ data: new Uint8Array(3), width: 1, height: 1, channels: 3 })).toThrow(
      /at least 2×2/,
    );
    expect(() => brisqueFeatures({ data: new Uint8Array(5), width: 4, height: 4, channels: 1 })).toThrow(
      /5 bytes but 4×4×1 needs 16/,
    );
  });
});

describeWithShared('data/faces-dev', 'brisque on faces-dev vs OpenCV 4.6', (dir) => {
  const photos: Photo[] = [];

  beforeAll(async () => {
    const opencv = new Map(
      readCsv(sharedPath('oracles/brisque-opencv-faces-dev.csv')).map(([f, s]) => [f, Number(s)]),
    );
    for (const [file, , category] of readCsv(join(dir, 'labels.csv'))) {
      const image = await readImageLikeOpenCv(join(dir, file));
      const reference = opencv.get(file);
      if (reference === undefined) throw new Error(`${file} has no row in the OpenCV oracle CSV`);
      photos.push({ file, category, image, score: brisqueScore(image), opencv: reference });
    }
  }, 120_000);

  it('scores every image within 0.5 of OpenCV', () => {
    const deltas = photos.map((p) => Math.abs(p.score - p.opencv));
    const worst = photos[deltas.indexOf(Math.max(...deltas))];
    const mean = deltas.reduce((a, b) => a + b, 0) / deltas.length;
    process.stdout.write(
      `BRISQUE vs OpenCV on ${photos.length} images: max |Δ| ${Math.max(...deltas).toFixed(4)} (${worst.file}), ` +
        `mean |Δ| ${mean.toFixed(5)}, within 0.001: ${deltas.filter((d) => d <= 0.001).length}\n`,
    );
    expect(photos).toHaveLength(171);
    expect(photos.filter((p) => !(Math.abs(p.score - p.opencv) <= 0.5)).map((p) => p.file)).toEqual([]);
  });

  it(`default threshold ${DEFAULT_BRISQUE_THRESHOLD} rejects ≥ 90 % of blurry and keeps ≥ 90 % of keep`, () => {
    const rows = [...new Set(photos.map((p) => p.category))].map((category) => {
      const inCategory = photos.filter((p) => p.category === category);
      const rejected = inCategory.filter((p) => p.score > DEFAULT_BRISQUE_THRESHOLD).length;
      return { category, images: inCategory.length, rejected, kept: inCategory.length - rejected };
    });
    process.stdout.write(
      `threshold ${DEFAULT_BRISQUE_THRESHOLD} (reject if score > threshold)\ncategory,images,kept,rejected\n` +
        rows.map((r) => `${r.category},${r.images},${r.kept},${r.rejected}`).join('\n') +
        '\n',
    );
    const keep = rows.find((r) => r.category === 'keep');
    const blurry = rows.find((r) => r.category === 'blurry');
    expect(keep && keep.kept / keep.images).toBeGreaterThanOrEqual(0.9);
    expect(blurry && blurry.rejected / blurry.images).toBeGreaterThanOrEqual(0.9);
  });

  it('Gaussian blur of σ = 2 raises the score of every keep image', async () => {
    const keep = photos.filter((p) => p.category === 'keep');
    expect(keep).toHaveLength(53);
    for (const p of keep) {
      const blurred = brisqueScore(await sharpToRaw(rawToSharp(p.image).blur(2)));
      expect({ file: p.file, raised: blurred > p.score }).toEqual({ file: p.file, raised: true });
    }
  }, 60_000);
});
