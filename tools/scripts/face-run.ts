/**
 * Shared by the face-* scripts and the face benchmark: runs a detector over a labelled folder
 * (labels.csv) with a progress bar. Not a CLI of its own.
 */
import { join, resolve } from 'node:path';
import { SingleBar, Presets } from 'cli-progress';
import { decodeImage, type RawImage } from '@portrait-forge/image-io';
import {
  createFaceDetector,
  DETECTOR_KINDS,
  readLabels,
  type DetectedFace,
  type DetectorKind,
  type LabelledImage,
} from '@portrait-forge/face';

export const DEFAULT_FACES_DEV = resolve(__dirname, '../../../shared/data/faces-dev');

export interface DetectedImage extends LabelledImage {
  image: RawImage;
  faces: DetectedFace[];
  /** Wall time of detect() alone (decoding excluded). */
  detectMs: number;
}

export async function detectLabelled(
  dir: string,
  kind: DetectorKind,
  filter: (label: LabelledImage) => boolean = () => true,
): Promise<DetectedImage[]> {
  const labels = readLabels(dir).filter(filter);
  const detector = await createFaceDetector({ detector: kind });
  const bar = new SingleBar(
    { format: `${kind} {bar} {value}/{total} images | ETA {eta_formatted} | {file}`, stream: process.stderr },
    Presets.shades_classic,
  );
  bar.start(labels.length, 0, { file: '' });
  const out: DetectedImage[] = [];
  for (const label of labels) {
    const image = await decodeImage(join(dir, label.file));
    const t0 = performance.now();
    const faces = await detector.detect(image);
    out.push({ ...label, image, faces, detectMs: performance.now() - t0 });
    bar.increment({ file: label.file });
  }
  bar.stop();
  return out;
}

export function parseDetector(value: string): DetectorKind {
  const kind = DETECTOR_KINDS.find((k) => k === value);
  if (!kind) throw new Error(`--detector must be one of ${DETECTOR_KINDS.join(', ')}, got "${value}"`);
  return kind;
}

export function parsePositiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`expected a positive integer, got "${value}"`);
  return n;
}
