import { dirname, join } from 'node:path';
import type { RawImage } from '@portrait-forge/image-io';
import { initTf } from '@portrait-forge/tf-runtime';
import { INCEPTION_SIZE, resizeLikeNvlabs, resolveInceptionOnnx } from './inception';

export type ExtractorName = 'face128' | 'inception';

/** Turns images into fixed-length feature vectors; `name` goes into every metric key (`fid[face128]`). */
export interface FeatureExtractor {
  readonly name: ExtractorName;
  readonly dim: number;
  extract(images: RawImage[]): Promise<Float32Array[]>;
  dispose(): Promise<void>;
}

export interface Face128Options {
  /** Folder holding face_recognition_model.bin + manifest; default: the one shipped in @vladmandic/face-api. */
  modelDir?: string;
  /**
   * Keep this centred fraction of each image before embedding (1 = whole image). The net was trained
   * on tight face chips; aligned LFW crops (250 px, face ≈ middle 50 %) embed better at ~0.6.
   */
  cropFraction?: number;
  log?: (line: string) => void;
}

/**
 * face-api's FaceRecognitionNet (dlib-style ResNet-34, 150 × 150 input, 128-d descriptor), run by tfjs
 * on whatever backend `initTf` picks (wasm here). Offline: the weights ship inside the npm package.
 */
export async function createFace128Extractor(options: Face128Options = {}): Promise<FeatureExtractor> {
  const { tf } = await initTf({ log: options.log });
  const faceapi = await import('@vladmandic/face-api/dist/face-api.node-wasm.js');
  const modelDir = options.modelDir ?? defaultFaceApiModelDir();
  const net = new faceapi.FaceRecognitionNet();
  try {
    await net.loadFromDisk(modelDir);
  } catch (err) {
    throw new Error(
      `cannot load face_recognition_model from ${modelDir}: ${(err as Error).message}; reinstall @vladmandic/face-api or pass modelDir`,
    );
  }
  const crop = options.cropFraction ?? 1;
  if (!(crop > 0 && crop <= 1)) throw new Error(`cropFraction must be in (0, 1], got ${crop}`);
  return {
    name: 'face128',
    dim: 128,
    async extract(images) {
      if (images.length === 0) return [];
      const tensors = images.map((img) => tf.tidy(() => toRgbTensor(tf, img, crop)));
      try {
        const out = await net.computeFaceDescriptor(images.length === 1 ? tensors[0] : tensors);
        return Array.isArray(out) ? out : [out];
      } finally {
        tensors.forEach((t) => t.dispose());
      }
    },
    async dispose() {
      net.dispose();
    },
  };
}

type Tf = Awaited<ReturnType<typeof initTf>>['tf'];

function toRgbTensor(tf: Tf, img: RawImage, crop: number): import('@tensorflow/tfjs').Tensor3D {
  let t: import('@tensorflow/tfjs').Tensor3D = tf.tensor3d(
    img.data,
    [img.height, img.width, img.channels],
    'int32',
  );
  if (img.channels === 1) t = tf.tile(t, [1, 1, 3]);
  if (crop < 1) {
    const h = Math.round(img.height * crop);
    const w = Math.round(img.width * crop);
    t = tf.slice(t, [Math.floor((img.height - h) / 2), Math.floor((img.width - w) / 2), 0], [h, w, 3]);
  }
  return tf.cast(t, 'float32');
}

export function defaultFaceApiModelDir(): string {
  return join(dirname(require.resolve('@vladmandic/face-api/package.json')), 'model');
}

export interface InceptionOptions {
  /** The ONNX written by tools/scripts/convert-inception.py; default: the one in the model cache. */
  modelPath?: string;
  cacheDir?: string;
}

/**
 * Inception-v3 pool3 (2048-d) as NVlabs' metrics compute it: their resize to 299² (`resizeLikeNvlabs`),
 * then the converted detector through onnxruntime-node. Images may differ in size.
 */
export async function createInceptionExtractor(options: InceptionOptions = {}): Promise<FeatureExtractor> {
  const modelPath = resolveInceptionOnnx(options.modelPath, options.cacheDir);
  const ort = await import('onnxruntime-node');
  let session: import('onnxruntime-node').InferenceSession;
  try {
    session = await ort.InferenceSession.create(modelPath);
  } catch (err) {
    throw new Error(`cannot load Inception ONNX ${modelPath}: ${(err as Error).message}`);
  }
  const S = INCEPTION_SIZE;
  return {
    name: 'inception',
    dim: 2048,
    async extract(images) {
      if (images.length === 0) return [];
      const batch = new Float32Array(images.length * 3 * S * S);
      images.forEach((img, n) => resizeLikeNvlabs(img, batch, n * 3 * S * S));
      const input = new ort.Tensor('float32', batch, [images.length, 3, S, S]);
      const result = await session.run({ [session.inputNames[0]]: input });
      const values = result[session.outputNames[0]].data as Float32Array;
      const dim = values.length / images.length;
      if (dim !== 2048) {
        throw new Error(
          `${modelPath}: output has ${dim} values per image, expected 2048 (not made by tools/scripts/convert-inception.py?)`,
        );
      }
      return images.map((_, i) => values.slice(i * dim, (i + 1) * dim));
    },
    async dispose() {
      await session.release();
    },
  };
}
