/**
 * Test builders (`@portrait-forge/manifest/testing`): records and stored rows with every field set
 * to something plausible, so a test spells out only what it is about.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { emptyScores } from './lib/columns';
import type { NewRun, RunConfig, StoredThresholds } from './lib/runs';
import type { FaceRecord, FileRecord, StoredFile } from './lib/types';

/** A fresh manifest path in its own temporary folder. */
export const tempManifestPath = (): string =>
  join(mkdtempSync(join(tmpdir(), 'manifest-')), 'manifest.sqlite');

export function faceRecord(overrides: Partial<FaceRecord> = {}): FaceRecord {
  return {
    box: { x: 1, y: 2, width: 50, height: 60 },
    score: 0.9,
    landmarks: Array.from({ length: 136 }, (_, i) => i),
    roll: 2,
    yaw: 3,
    pitch: null,
    eyeDyPct: 1,
    centerDeltaPct: 5,
    qsize: 120,
    cutOff: 0,
    rotationDeg: null,
    landmarksAtBorder: 0,
    meshYaw: null,
    meshPitch: null,
    ...overrides,
  };
}

/** A kept file with one face and an aligned crop. */
export function fileRecord(path: string, overrides: Partial<FileRecord> = {}): FileRecord {
  return {
    path,
    size: 10,
    mtimeMs: 1,
    sha256: `hash-${path}`,
    width: 100,
    height: 80,
    decodeError: null,
    scores: {
      ...emptyScores(),
      faceCount: 1,
      faceSize: 50,
      roll: 2,
      yaw: 3,
      brisque: 20,
      symmetry: 0.01,
      symmetryBackend: 'x',
      symmetryNote: null,
    },
    faces: [faceRecord()],
    alignedPath: `aligned/${path}.png`,
    alignedQuad: [0, 0, 0, 1, 1, 1, 1, 0],
    thumbPath: null,
    thumbScale: null,
    phash: 'ffff',
    stageMs: { decode: 3 },
    decision: 'keep',
    reasons: [],
    ...overrides,
  };
}

/** A `filter` run over `input` as `curate filter` records it (defaults: 256 px, 1 worker, BlazeFace). */
export function filterRun(
  input: string,
  options: { config?: Partial<RunConfig<'filter'>>; thresholds?: StoredThresholds } = {},
): NewRun<'filter'> {
  return {
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
      photoBrisque: false,
      ...options.config,
    },
    thresholds: options.thresholds ?? {},
    versions: {},
  };
}

/**
 * Row `i` of a synthetic dataset-scale manifest (benchmarks): one face with 68 landmarks, score spreads
 * like a real run's (BRISQUE 10–70, |roll| ≤ 20°, yaw ±40°, pitch ratio 0.3–0.7 around the keepers'
 * ≥ 0.39), and a decision from rules shaped like the curation's at `faceBrisqueCut`.
 */
export function syntheticFileRecord(
  i: number,
  random: () => number,
  faceBrisqueCut: number,
  thumbs: number | null = null,
): FileRecord {
  const brisque = 10 + random() * 60;
  const roll = (random() - 0.5) * 40;
  const faceSize = 60 + random() * 400;
  const faceBrisque = brisque * 0.8 + random() * 10;
  const yaw = (random() - 0.5) * 80;
  const pitch = 0.3 + random() * 0.4;
  const reasons = [
    ...(faceSize * 2 < 256 ? ['face_too_small'] : []),
    ...(Math.abs(roll) > 12 ? ['tilted'] : []),
    ...(Math.abs(yaw) > 35 || pitch < 0.35 ? ['turned'] : []),
    ...(faceBrisque > faceBrisqueCut ? ['blurry'] : []),
  ];
  return fileRecord(`photos/${String(i % 1000).padStart(3, '0')}/img${String(i).padStart(7, '0')}.jpg`, {
    size: 1e6,
    mtimeMs: 0,
    sha256: `sha${i}`,
    width: 1024,
    height: 768,
    scores: {
      ...emptyScores(),
      faceCount: 1,
      faceSize,
      roll,
      yaw,
      brisque,
      faceBrisque,
      symmetry: random() * 0.3,
      symmetryBackend: 'selfie',
      symmetryNote: null,
    },
    faces: [
      faceRecord({
        box: { x: 100, y: 100, width: 300, height: 300 },
        score: 0.95,
        landmarks: Array.from({ length: 136 }, (_, k) => 100 + k),
        roll,
        yaw,
        pitch,
        qsize: faceSize,
      }),
    ],
    alignedPath: `aligned/${i}.png`,
    thumbPath: `thumbs/${thumbs === null ? i : i % thumbs}.jpg`,
    thumbScale: 0.25,
    phash: null,
    stageMs: { decode: 10 },
    decision: reasons.length ? 'reject' : 'keep',
    reasons,
  });
}

/** A row as `Manifest.files()` returns it. */
export function storedFile(id: number, path: string, overrides: Partial<StoredFile> = {}): StoredFile {
  return {
    ...fileRecord(path),
    id,
    runId: 1,
    override: null,
    overrideNote: null,
    duplicateOf: null,
    ...overrides,
  };
}

/** 68 landmark points on a 17×4 grid inside an 800×640 photo's face box (x, y interleaved). */
export const gridLandmarks = (): number[] =>
  Array.from({ length: 68 }, (_, k) => [200 + (k % 17) * 20, 300 + Math.floor(k / 17) * 40]).flat();

/**
 * An 800×640 photo analysed as one frontal face with a thumbnail at 0.25 and an aligned crop: the record
 * the report and review-server browser tests write straight into a manifest (no models needed).
 */
export function analysedPhoto(
  path: string,
  index: number,
  { roll, brisque, ...overrides }: { roll: number; brisque: number } & Partial<FileRecord>,
): FileRecord {
  return fileRecord(path, {
    size: 1,
    mtimeMs: 0,
    sha256: `sha${index}`,
    width: 800,
    height: 640,
    scores: {
      ...emptyScores(),
      faceCount: 1,
      faceSize: 300,
      roll,
      yaw: 2,
      brisque,
      faceBrisque: brisque,
      symmetry: 0.02,
      symmetryBackend: 'selfie',
      symmetryNote: null,
    },
    faces: [
      faceRecord({
        box: { x: 180, y: 260, width: 360, height: 200 },
        landmarks: gridLandmarks(),
        roll,
        yaw: 2,
        qsize: 300,
      }),
    ],
    thumbPath: `thumbs/${index}.jpg`,
    thumbScale: 0.25,
    phash: null,
    stageMs: {},
    ...overrides,
  });
}
