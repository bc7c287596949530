import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as faceapi from '@vladmandic/face-api/dist/face-api.node-wasm.js';
import { rawToSharp, sharpToRaw, type RawImage } from '@portrait-forge/image-io';
import { initTf } from '@portrait-forge/tf-runtime';
import { describeImageProblem } from './image-check';
import type { DetectedFace, Point } from './types';

export type DetectorKind = 'ssd' | 'tiny';

export interface FaceDetectorOptions {
  /** `ssd` (SSD MobileNet v1, default, more accurate) or `tiny` (Tiny Face Detector, faster). */
  detector?: DetectorKind;
  /**
   * Lowest detector score reported. Low on purpose (default 0.2) so that weak second faces are still
   * reported and measured; `decideFace` applies the real thresholds.
   */
  minScore?: number;
  /** Images whose longer side exceeds this are downscaled (sharp, Lanczos) before detection. Default 1280. */
  maxInputSide?: number;
  /** Where the face-api weights live. Default: the model folder shipped inside @vladmandic/face-api. */
  modelDir?: string;
}

export interface FaceDetector {
  readonly kind: DetectorKind;
  readonly minScore: number;
  /**
   * Every face with its box, score and 68 landmarks, in the image's own pixel coordinates, best score
   * first. Unusable images (no pixels, too small, extreme aspect ratio, data of the wrong length) give
   * `[]` without running the networks; `decideFace` names the problem.
   */
  detect(image: RawImage): Promise<DetectedFace[]>;
}

export const DEFAULT_DETECTOR_MIN_SCORE = 0.2;
export const DEFAULT_MAX_INPUT_SIDE = 1280;
/** Tiny Face Detector input resolution (multiple of 32; 416 is face-api's recommended accuracy setting). */
const TINY_INPUT_SIZE = 416;

export function defaultModelDir(): string {
  return join(dirname(require.resolve('@vladmandic/face-api/package.json')), 'model');
}

const MANIFEST: Record<DetectorKind | 'landmarks', string> = {
  ssd: 'ssd_mobilenetv1_model-weights_manifest.json',
  tiny: 'tiny_face_detector_model-weights_manifest.json',
  landmarks: 'face_landmark_68_model-weights_manifest.json',
};

/** face-api's networks are process-wide singletons: each is loaded once, from the first folder asked. */
const loadedModels = new Map<string, Promise<void>>();

/** Loads each face-api network once per process and model folder. */
function loadModels(kind: DetectorKind, modelDir: string): Promise<void> {
  const key = `${kind}:${modelDir}`;
  let loading = loadedModels.get(key);
  if (!loading) {
    const detectorNet = kind === 'ssd' ? faceapi.nets.ssdMobilenetv1 : faceapi.nets.tinyFaceDetector;
    loading = Promise.all([
      detectorNet.isLoaded ? undefined : detectorNet.loadFromDisk(modelDir),
      faceapi.nets.faceLandmark68Net.isLoaded
        ? undefined
        : faceapi.nets.faceLandmark68Net.loadFromDisk(modelDir),
    ]).then(() => undefined);
    loading.catch(() => loadedModels.delete(key));
    loadedModels.set(key, loading);
  }
  return loading;
}

/** Loads the detector and the 68-point landmark network (wasm backend via tf-runtime). */
export async function createFaceDetector(options: FaceDetectorOptions = {}): Promise<FaceDetector> {
  const kind = options.detector ?? 'ssd';
  const minScore = options.minScore ?? DEFAULT_DETECTOR_MIN_SCORE;
  const maxInputSide = options.maxInputSide ?? DEFAULT_MAX_INPUT_SIDE;
  const modelDir = options.modelDir ?? defaultModelDir();
  if (!(minScore >= 0 && minScore <= 1)) throw new Error(`minScore must be within 0..1, got ${minScore}`);
  const missing = [MANIFEST[kind], MANIFEST.landmarks].filter((f) => !existsSync(join(modelDir, f)));
  if (missing.length > 0) {
    throw new Error(
      `face-api model files missing in ${modelDir}: ${missing.join(', ')}; reinstall @vladmandic/face-api (npm ci) or pass the folder holding them as modelDir.`,
    );
  }
  const { tf } = await initTf();
  try {
    await loadModels(kind, modelDir);
  } catch (err) {
    throw new Error(
      `Could not load face-api models from ${modelDir} (${(err as Error).message}); reinstall @vladmandic/face-api (npm ci) or pass modelDir.`,
      { cause: err },
    );
  }
  const netOptions =
    kind === 'ssd'
      ? new faceapi.SsdMobilenetv1Options({ minConfidence: minScore, maxResults: 100 })
      : new faceapi.TinyFaceDetectorOptions({ inputSize: TINY_INPUT_SIZE, scoreThreshold: minScore });

  async function detect(image: RawImage): Promise<DetectedFace[]> {
    if (describeImageProblem(image)) return [];
    const { input, scale } = await detectionInput(image, maxInputSide);
    const tensor = tf.tensor3d(rgbFloats(input), [input.height, input.width, 3], 'float32');
    try {
      const netInput = tensor as unknown as faceapi.TResolvedNetInput;
      const results = await faceapi.detectAllFaces(netInput, netOptions).withFaceLandmarks();
      return results
        .map((r) => toDetectedFace(r.detection, r.landmarks.positions, scale))
        .sort((a, b) => b.score - a.score);
    } finally {
      tensor.dispose();
    }
  }

  return { kind, minScore, detect };
}

async function detectionInput(image: RawImage, maxSide: number): Promise<{ input: RawImage; scale: number }> {
  const longer = Math.max(image.width, image.height);
  if (longer <= maxSide) return { input: image, scale: 1 };
  const width = Math.max(1, Math.round((image.width * maxSide) / longer));
  const height = Math.max(1, Math.round((image.height * maxSide) / longer));
  const input = await sharpToRaw(
    rawToSharp(image).resize(width, height, { fit: 'fill', kernel: 'lanczos3' }),
  );
  return { input, scale: image.width / width };
}

/** Interleaved RGB floats 0..255 (gray replicated), the input face-api expects. */
function rgbFloats(image: RawImage): Float32Array {
  const n = image.width * image.height;
  const out = new Float32Array(n * 3);
  if (image.channels === 3) {
    for (let i = 0; i < n * 3; i++) out[i] = image.data[i];
  } else {
    for (let i = 0, j = 0; i < n; i++, j += 3) out[j] = out[j + 1] = out[j + 2] = image.data[i];
  }
  return out;
}

function toDetectedFace(detection: faceapi.FaceDetection, positions: Point[], scale: number): DetectedFace {
  const { x, y, width, height } = detection.box;
  return {
    box: { x: x * scale, y: y * scale, width: width * scale, height: height * scale },
    score: detection.score,
    landmarks: positions.map((p) => ({ x: p.x * scale, y: p.y * scale })),
  };
}
