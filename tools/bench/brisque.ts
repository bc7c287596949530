/**
 * BRISQUE speed, ours vs OpenCV (cv2.quality, single thread), on the same pixels in the same run:
 * synthetic 256², 512², 1024² (a faces-dev photo resized) and every faces-dev image.
 * Set-up for the reference: flock /tmp/apt.lock apt-get install -y python3-opencv
 * Run: npx tsx tools/bench/brisque.ts
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import type { RawImage } from '@portrait-forge/image-io';
import {
  brisque,
  DEFAULT_MODEL_PATH,
  DEFAULT_RANGE_PATH,
  readImageLikeOpenCv,
} from '@portrait-forge/brisque';

const OUT_DIR = resolve(__dirname, '../../tmp/brisque-bench');
const FACES_DEV = resolve(__dirname, '../../../shared/data/faces-dev');
const SIZES = [256, 512, 1024];
const SETUP = 'flock /tmp/apt.lock apt-get install -y python3-opencv';

interface Case {
  label: string;
  files: string[];
  repeats: number;
}

/** Times cv2.quality.QualityBRISQUE.compute on pre-decoded images, one thread; ms/image per case. */
const OPENCV_SCRIPT = `
import json, sys, time, cv2
cv2.setNumThreads(1)
cases, model, rng = json.load(sys.stdin)
q = cv2.quality.QualityBRISQUE_create(model, rng)
out = {}
for c in cases:
    imgs = [cv2.imread(f) for f in c['files']]
    q.compute(imgs[0])
    t = time.perf_counter()
    for _ in range(c['repeats']):
        for im in imgs:
            q.compute(im)
    out[c['label']] = (time.perf_counter() - t) * 1000 / (c['repeats'] * len(imgs))
print(json.dumps(out))
`;

function findOpenCvPython(): string | undefined {
  for (const python of ['python3', '/usr/bin/python3']) {
    const probe = spawnSync(python, ['-c', 'import cv2; cv2.quality.QualityBRISQUE_create'], {
      encoding: 'utf8',
    });
    if (probe.status === 0) return python;
  }
  return undefined;
}

function timeOpenCv(python: string, cases: Case[]): Record<string, number> {
  const run = spawnSync(python, ['-c', OPENCV_SCRIPT], {
    input: JSON.stringify([cases, DEFAULT_MODEL_PATH, DEFAULT_RANGE_PATH]),
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  if (run.status !== 0) throw new Error(`OpenCV reference failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as Record<string, number>;
}

async function timeOurs(c: Case): Promise<number> {
  const images: RawImage[] = [];
  for (const file of c.files) images.push(await readImageLikeOpenCv(file));
  brisque(images[0]);
  const start = performance.now();
  for (let r = 0; r < c.repeats; r++) for (const image of images) brisque(image);
  return (performance.now() - start) / (c.repeats * images.length);
}

async function syntheticCases(): Promise<Case[]> {
  mkdirSync(OUT_DIR, { recursive: true });
  const source = join(FACES_DEV, 'keep', readdirSync(join(FACES_DEV, 'keep')).sort()[0]);
  const cases: Case[] = [];
  for (const size of SIZES) {
    const file = join(OUT_DIR, `face-${size}.png`);
    await sharp(source, { ignoreIcc: true }).resize(size, size, { fit: 'cover' }).png().toFile(file);
    cases.push({
      label: `${size}²`,
      files: [file],
      repeats: Math.max(3, Math.round(40 * (256 / size) ** 2)),
    });
  }
  return cases;
}

function facesDevCase(): Case {
  const rows = readFileSync(join(FACES_DEV, 'labels.csv'), 'utf8').trim().split(/\r?\n/).slice(1);
  return {
    label: `faces-dev (${rows.length} images)`,
    files: rows.map((r) => join(FACES_DEV, r.split(',')[0])),
    repeats: 1,
  };
}

async function main(): Promise<void> {
  const cases = [...(await syntheticCases()), facesDevCase()];
  const python = findOpenCvPython();
  if (!python) {
    process.stdout.write(`OpenCV reference skipped: python3 with cv2.quality not found. Set-up: ${SETUP}\n`);
  }
  const reference = python ? timeOpenCv(python, cases) : {};
  process.stdout.write(
    `BRISQUE ms/image, single thread (CPU shared with other jobs; figures are indicative)\n`,
  );
  process.stdout.write(`case,ours_ms,opencv_ms,ours/opencv\n`);
  for (const c of cases) {
    const ours = await timeOurs(c);
    const theirs = reference[c.label];
    const ratio = theirs ? (ours / theirs).toFixed(2) : 'n/a';
    process.stdout.write(`${c.label},${ours.toFixed(2)},${theirs ? theirs.toFixed(2) : 'n/a'},${ratio}\n`);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
