import type { RawImage } from '@portrait-forge/image-io';
import {
  ensureModel,
  modelCachePath,
  resolveCacheDir,
  type EnsureModelOptions,
  type ModelSpec,
} from '@portrait-forge/model-cache';
import * as ort from 'onnxruntime-node';
import { resizeU8 } from './resample';
import { toRgb, type Silhouette } from './silhouette';

/** rembg's ONNX exports of U-2-Net (Apache-2.0 weights by Qin et al.), release v0.0.0. */
export const U2NET_MODELS: Record<'u2net' | 'u2netp', ModelSpec> = {
  u2netp: {
    name: 'u2netp',
    url: 'https://github.com/danielgatis/rembg/releases/download/v0.0.0/u2netp.onnx',
    bytes: 4_574_861,
    sha256: '309c8469258dda742793dce0ebea8e6dd393174f89934733ecc8b14c76f4ddd8',
  },
  u2net: {
    name: 'u2net',
    url: 'https://github.com/danielgatis/rembg/releases/download/v0.0.0/u2net.onnx',
    bytes: 175_997_641,
    sha256: '8d10d2f3bb75ae3b6d527c77944fc5e7dcd94b29809d47a739a7a728a912b491',
  },
};

export const U2NET_INPUT_SIZE = 320;
const MEAN = [0.485, 0.456, 0.406];
const STD = [0.229, 0.224, 0.225];

/**
 * rembg's `normalize`: RGB, Lanczos resize to 320×320, divide by the image's max value,
 * ImageNet mean/std per channel, NCHW float32 (1×3×320×320).
 */
export function preprocessU2net(image: RawImage): Float32Array {
  const size = U2NET_INPUT_SIZE;
  const small = resizeU8(toRgb(image), image.width, image.height, 3, size, size, 'lanczos');
  let max = 0;
  for (const v of small) if (v > max) max = v;
  // rembg divides by zero on an all-black image (NaN mask); treat it as max 1 instead.
  const divisor = max || 1;
  const plane = size * size;
  const out = new Float32Array(3 * plane);
  for (let i = 0; i < plane; i++) {
    for (let c = 0; c < 3; c++) out[c * plane + i] = (small[3 * i + c] / divisor - MEAN[c]) / STD[c];
  }
  return out;
}

/**
 * The seed's post-processing: first channel of the first output, `normPRED` min–max, ×255
 * truncated to 8 bits (`Image.fromarray(pred*255).convert(...)`), bilinear resize to the image size.
 */
export function postprocessU2net(
  prediction: Float32Array,
  predSize: number,
  width: number,
  height: number,
): Uint8Array {
  const plane = predSize * predSize;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < plane; i++) {
    min = Math.min(min, prediction[i]);
    max = Math.max(max, prediction[i]);
  }
  // float32 at each step, as torch/numpy do, so the truncation lands on the same integers.
  const range = Math.fround(max - min);
  const small = new Uint8Array(plane);
  if (range > 0) {
    for (let i = 0; i < plane; i++) {
      small[i] = Math.trunc(Math.fround(Math.fround(Math.fround(prediction[i] - min) / range) * 255));
    }
  }
  return resizeU8(small, predSize, predSize, 1, width, height, 'bilinear');
}

/** CUDA when onnxruntime-node has it installed and it initialises, else CPU. */
async function createSession(
  modelPath: string,
  log: (line: string) => void,
): Promise<{ session: ort.InferenceSession; provider: string }> {
  const cuda = ort.listSupportedBackends().find((b) => b.name === 'cuda');
  let cudaReason = 'not installed in onnxruntime-node (install it without onnxruntime-node-install=skip)';
  if (cuda?.bundled) {
    try {
      const session = await ort.InferenceSession.create(modelPath, { executionProviders: ['cuda'] });
      return { session, provider: 'cuda' };
    } catch (error) {
      cudaReason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    }
  }
  const session = await ort.InferenceSession.create(modelPath, { executionProviders: ['cpu'] });
  log(`onnxruntime execution provider: cpu (cuda: ${cudaReason})`);
  return { session, provider: 'cpu' };
}

export interface U2netOptions extends Pick<EnsureModelOptions, 'allowDownload' | 'cacheDir' | 'progress'> {
  /** A local .onnx instead of the pinned download. */
  modelPath?: string;
  log?: (line: string) => void;
}

class U2netSilhouette implements Silhouette {
  readonly runtime: string;

  constructor(
    readonly name: 'u2net' | 'u2netp',
    private readonly session: ort.InferenceSession,
    provider: string,
  ) {
    this.runtime = `onnxruntime-node ${provider}`;
  }

  async mask(image: RawImage): Promise<Uint8Array> {
    const size = U2NET_INPUT_SIZE;
    const input = new ort.Tensor('float32', preprocessU2net(image), [1, 3, size, size]);
    const outputs = await this.session.run({ [this.session.inputNames[0]]: input });
    const first = outputs[this.session.outputNames[0]];
    const dims = first.dims;
    if (dims.length !== 4 || dims[2] !== size || dims[3] !== size) {
      throw new Error(
        `${this.name}: first output has shape [${dims.join(',')}], expected [1,C,${size},${size}] — is this a U-2-Net model?`,
      );
    }
    // Channel 0 of batch 0 is the first size×size floats (NCHW).
    const prediction = (first.data as Float32Array).subarray(0, size * size);
    const mask = postprocessU2net(prediction, size, image.width, image.height);
    for (const tensor of Object.values(outputs)) tensor.dispose();
    return mask;
  }

  async dispose(): Promise<void> {
    await this.session.release();
  }
}

/** Loads (downloading once if needed) a U-2-Net ONNX model and opens one reusable session. */
export async function createU2netSilhouette(
  name: 'u2net' | 'u2netp',
  opts: U2netOptions = {},
): Promise<Silhouette> {
  const log = opts.log ?? ((line: string) => console.error(line));
  const path = await ensureModel(U2NET_MODELS[name], {
    localPath: opts.modelPath,
    allowDownload: opts.allowDownload,
    cacheDir: opts.cacheDir,
    progress: opts.progress,
    overrideHint: '--u2net-model PATH',
    log,
  });
  const { session, provider } = await createSession(path, log);
  log(`symmetry: ${name} from ${path} on onnxruntime ${provider}`);
  return new U2netSilhouette(name, session, provider);
}

export interface U2netWeightsOptions {
  cacheDir?: string;
  /** Another pin of the same model (tests point it at an unreachable URL). Default U2NET_MODELS[name]. */
  spec?: ModelSpec;
  progress?: boolean;
  log?: (line: string) => void;
}

/**
 * The pinned U-2-Net weights in the cache, downloaded (size + sha256 checked) when missing. Run once
 * before the first file: without them the error names the cache path, the URL and the fallback.
 */
export async function ensureU2netWeights(
  name: 'u2net' | 'u2netp',
  opts: U2netWeightsOptions = {},
): Promise<string> {
  const spec = opts.spec ?? U2NET_MODELS[name];
  const cacheDir = opts.cacheDir ?? resolveCacheDir();
  try {
    return await ensureModel(spec, {
      cacheDir,
      allowDownload: true,
      progress: opts.progress,
      overrideHint: '--u2net-model PATH',
      log: opts.log,
    });
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new Error(
      `--silhouette ${name} needs the U-2-Net weights at ${modelCachePath(spec, cacheDir)}, which are missing and could not be downloaded from ${spec.url}: ${why} Or run with --silhouette selfie (shipped with npm, no download).`,
      { cause: error },
    );
  }
}
