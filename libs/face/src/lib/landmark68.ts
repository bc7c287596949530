import type * as faceapi from '@vladmandic/face-api/dist/face-api.node-wasm.js';
import type { RawImage } from '@portrait-forge/image-io';
import {
  createOrtRunner,
  type GraphRunner,
  type GraphRuntime,
  type TfRuntime,
} from '@portrait-forge/tf-runtime';
import { LANDMARK68_INPUT_SIZE, landmark68ToOnnx, type Landmark68Params } from './landmark68-onnx';
import { rgbFloats } from './rgb-floats';
import type { Point } from './types';

/**
 * face-api's 68-point landmark net, on onnxruntime (landmark68-onnx.ts, one session) or on tfjs
 * (`faceLandmark68Net.detectLandmarks`, the fallback). The ORT path does in plain TS what face-api
 * does around its net: `NetInput.toBatchTensor` (centred padToSquare, resizeBilinear to 112) and
 * `FaceLandmark68NetBase.postProcess` + `FaceLandmarks68` (undoing the padding, crop pixels).
 */

export interface Landmark68Net {
  readonly runtime: GraphRuntime;
  /** The 68 landmarks of each crop (RGB or gray), in crop pixels, as `FaceLandmarks68.positions`. */
  landmarks(crops: RawImage[]): Promise<Point[][]>;
}

export interface Landmark68NetOptions {
  /** The caller's default; PORTRAIT_FORGE_ORT_NETS=1|0 overrides it (tf-runtime ortNetsRequested). */
  preferOrt: boolean;
  log?: (line: string) => void;
  /** Tests: how onnxruntime-node is required (to simulate it missing). */
  requireModule?: (id: string) => unknown;
}

export const LANDMARK68_NET_NAME = 'faceLandmark68Net';

/** The loaded face-api net's weights, as the ONNX builder reads them. */
export function landmark68Params(net: faceapi.FaceLandmark68Net): Landmark68Params {
  const extractor = net.faceFeatureExtractor.params;
  if (!extractor || !net.params) throw new Error(`${LANDMARK68_NET_NAME}: load the model first`);
  return { extractor, fc: net.params.fc };
}

/** `net` (loaded) behind onnxruntime when requested and possible, else face-api on tfjs. */
export function createLandmark68Net(
  tf: TfRuntime['tf'],
  net: faceapi.FaceLandmark68Net,
  options: Landmark68NetOptions,
): Landmark68Net {
  const runner = createOrtRunner(() => landmark68ToOnnx(landmark68Params(net)), {
    name: LANDMARK68_NET_NAME,
    ...options,
  });
  if (runner) return { runtime: 'onnxruntime', landmarks: (crops) => ortLandmarks(runner, crops) };
  return { runtime: 'tfjs', landmarks: (crops) => faceApiLandmarks(tf, net, crops) };
}

async function faceApiLandmarks(
  tf: TfRuntime['tf'],
  net: faceapi.FaceLandmark68Net,
  crops: RawImage[],
): Promise<Point[][]> {
  if (crops.length === 0) return [];
  const tensors = crops.map((c) => tf.tensor3d(rgbFloats(c), [c.height, c.width, 3], 'float32'));
  try {
    const input = (tensors.length === 1 ? tensors[0] : tensors) as unknown as faceapi.TNetInput;
    const result = await net.detectLandmarks(input);
    return (Array.isArray(result) ? result : [result]).map((l) => l.positions.map(({ x, y }) => ({ x, y })));
  } finally {
    tensors.forEach((t) => t.dispose());
  }
}

async function ortLandmarks(runner: GraphRunner, crops: RawImage[]): Promise<Point[][]> {
  const size = LANDMARK68_INPUT_SIZE;
  const points: Point[][] = [];
  for (const crop of crops) {
    const [output] = await runner.run(batchTensor(crop), [1, size, size, 3]);
    points.push(cropPositions(output.data, crop.width, crop.height));
  }
  return points;
}

/**
 * face-api's `NetInput.toBatchTensor(112, true)` of one crop: zero-padded to a square (padToSquare:
 * round(diff / 2) after, the rest before), then tfjs' resizeBilinear (no align corners, no half-pixel
 * centres) to 112² when it is not that size. RGB 0..255, NHWC.
 */
export function batchTensor(crop: RawImage): Float32Array {
  const rgb = rgbFloats(crop);
  const side = Math.max(crop.width, crop.height);
  const diff = side - Math.min(crop.width, crop.height);
  const before = diff - Math.round(diff * 0.5);
  const [left, top] = crop.height > crop.width ? [before, 0] : [0, before];
  const square = new Float32Array(side * side * 3);
  for (let y = 0; y < crop.height; y++)
    square.set(rgb.subarray(y * crop.width * 3, (y + 1) * crop.width * 3), ((y + top) * side + left) * 3);
  return side === LANDMARK68_INPUT_SIZE ? square : resizeBilinear(square, side, LANDMARK68_INPUT_SIZE);
}

/** tfjs resizeBilinear (alignCorners and halfPixelCenters false) of a square RGB image, as tfjs-backend-cpu computes it. */
export function resizeBilinear(source: Float32Array, from: number, to: number): Float32Array {
  const out = new Float32Array(to * to * 3);
  const ratio = from / to;
  const axis = (i: number) => {
    const exact = ratio * i;
    const low = Math.max(0, Math.floor(exact));
    return { low, high: Math.min(from - 1, Math.ceil(exact)), frac: exact - low };
  };
  for (let y = 0; y < to; y++) {
    const r = axis(y);
    for (let x = 0; x < to; x++) {
      const c = axis(x);
      for (let ch = 0; ch < 3; ch++) {
        const at = (row: number, col: number) => source[(row * from + col) * 3 + ch];
        const top = at(r.low, c.low) + (at(r.low, c.high) - at(r.low, c.low)) * c.frac;
        const bottom = at(r.high, c.low) + (at(r.high, c.high) - at(r.high, c.low)) * c.frac;
        out[(y * to + x) * 3 + ch] = top + (bottom - top) * r.frac;
      }
    }
  }
  return out;
}

/**
 * The head's output (x, y interleaved, 0..1 of the padded square) as crop pixels: face-api's
 * postProcess (float32, as tfjs computes it) and `FaceLandmarks68` (relative × crop size).
 */
export function cropPositions(output: Float32Array, width: number, height: number): Point[] {
  const size = LANDMARK68_INPUT_SIZE;
  const f = Math.fround;
  const scale = size / Math.max(height, width);
  const [scaledWidth, scaledHeight] = [width * scale, height * scale];
  const padX = scaledWidth < scaledHeight ? Math.abs(scaledWidth - scaledHeight) / 2 : 0;
  const padY = scaledHeight < scaledWidth ? Math.abs(scaledWidth - scaledHeight) / 2 : 0;
  const relative = (v: number, pad: number, extent: number) => f(f(f(v * size) - f(pad)) / f(extent));
  return Array.from({ length: output.length / 2 }, (_, i) => ({
    x: relative(output[2 * i], padX, scaledWidth) * width,
    y: relative(output[2 * i + 1], padY, scaledHeight) * height,
  }));
}
