/**
 * Test builders (`@portrait-forge/manifest/testing`): records and stored rows with every field set
 * to something plausible, so a test spells out only what it is about.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { emptyScores } from './lib/columns';
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
