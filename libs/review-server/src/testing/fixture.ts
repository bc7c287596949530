import { defaultThresholds } from '@portrait-forge/curation';
import { Manifest, type FileRecord } from '@portrait-forge/manifest';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';

/**
 * A small output folder written straight into a manifest (no models): `count` files with a thumbnail
 * and an aligned crop each, and a filter run whose input root holds the source photos.
 */
export async function writeFixture(base: string, count = 3): Promise<{ input: string; out: string }> {
  const input = join(base, 'in');
  const out = join(base, 'out');
  for (const dir of [input, join(out, 'thumbs'), join(out, 'aligned')]) mkdirSync(dir, { recursive: true });
  const manifest = Manifest.open(join(out, 'manifest.sqlite'));
  manifest.startRun({
    kind: 'filter',
    inputRoot: input,
    config: {
      input,
      size: 256,
      workers: 1,
      resume: false,
      detector: 'blazeface',
      silhouette: 'auto',
      maxPixels: 1e8,
    },
    thresholds: { ...defaultThresholds(256) },
    versions: {},
  });
  const records: FileRecord[] = [];
  for (let i = 0; i < count; i++) {
    const background = { r: 40 + ((i * 53) % 200), g: 90, b: 160 };
    const image = (width: number, height: number) =>
      sharp({ create: { width, height, channels: 3, background } }).jpeg();
    await image(800, 640).toFile(join(input, `photo-${i}.jpg`));
    await image(200, 160).toFile(join(out, `thumbs/${i}.jpg`));
    await image(256, 256).toFile(join(out, `aligned/${i}.jpg`));
    const brisque = 20 + i * 15;
    records.push({
      path: `photo-${i}.jpg`,
      size: 1,
      mtimeMs: 0,
      sha256: `sha${i}`,
      width: 800,
      height: 640,
      decodeError: null,
      scores: {
        faceCount: 1,
        faceSize: 300,
        roll: i,
        yaw: 2,
        brisque,
        faceBrisque: brisque,
        symmetry: 0.02,
        symmetryBackend: 'selfie',
        symmetryNote: null,
      },
      faces: [
        {
          box: { x: 180, y: 260, width: 360, height: 200 },
          score: 0.9,
          landmarks: Array.from({ length: 68 }, (_, k) => [
            200 + (k % 17) * 20,
            300 + Math.floor(k / 17) * 40,
          ]).flat(),
          roll: i,
          yaw: 2,
          pitch: null,
          eyeDyPct: 1,
          centerDeltaPct: 5,
          qsize: 300,
          cutOff: 0,
          rotationDeg: null,
          landmarksAtBorder: 0,
        },
      ],
      alignedPath: `aligned/${i}.jpg`,
      alignedQuad: [150, 200, 150, 600, 550, 600, 550, 200],
      thumbPath: `thumbs/${i}.jpg`,
      thumbScale: 0.25,
      phash: null,
      stageMs: {},
      decision: brisque > 48 ? 'reject' : 'keep',
      reasons: brisque > 48 ? ['blurry'] : [],
    });
  }
  manifest.writeFiles(records, null);
  manifest.close();
  return { input, out };
}
