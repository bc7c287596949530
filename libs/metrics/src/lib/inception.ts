import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { RawImage } from '@portrait-forge/image-io';
import { resolveCacheDir, type ModelSpec } from '@portrait-forge/model-cache';

/**
 * The TorchScript Inception-v3 that stylegan2-ada-pytorch's FID/KID load (metrics/frechet_inception_distance.py),
 * a translation of TF's inception-2015-12-05 graph. Not downloaded by us (NVIDIA's licence, and it must be
 * converted with torch once): the user fetches it and runs tools/scripts/convert-inception.py.
 * sha256 and size as pinned by k-diffusion, clean-fid users and others; not re-verified here (no network).
 */
export const INCEPTION_DETECTOR: ModelSpec = {
  name: 'inception-2015-12-05',
  url: 'https://nvlabs-fi-cdn.nvidia.com/stylegan2-ada-pytorch/pretrained/metrics/inception-2015-12-05.pt',
  bytes: 95_607_719,
  sha256: 'f58cb9b6ec323ed63459aa4fb441fe750cfe39fafad6da5cb504a16f19e958f4',
};

/** The converter's output, N×3×299×299 (0–255, after `resizeLikeNvlabs`) → N×2048 pool3. */
export const INCEPTION_ONNX_FILE = 'inception-2015-12-05.onnx';
export const INCEPTION_SIZE = 299;

export function defaultInceptionOnnxPath(cacheDir = resolveCacheDir()): string {
  return join(cacheDir, INCEPTION_ONNX_FILE);
}

/** The one-time conversion a user runs, as printed in errors and the README. */
export function convertInceptionCommand(onnxPath: string): string {
  return `/usr/bin/python3 tools/scripts/convert-inception.py --detector inception-2015-12-05.pt --out ${onnxPath}`;
}

/** `modelPath`, else the converted file in the model cache; a clear error naming the fix if absent. */
export function resolveInceptionOnnx(modelPath?: string, cacheDir?: string): string {
  const path = modelPath ?? defaultInceptionOnnxPath(cacheDir);
  if (existsSync(path)) return path;
  const { url, bytes, sha256 } = INCEPTION_DETECTOR;
  throw new Error(
    `Inception features need ${path}, which does not exist. Fix (once): download ${url} (${bytes} bytes, sha256 ${sha256}), ` +
      `then run \`${convertInceptionCommand(path)}\` (needs python3-torch: apt-get install python3-torch).`,
  );
}

/**
 * NVlabs' in-module resize to 299², in closed form. The detector builds theta = I with
 * theta[0,2] = 1/W − 1/299 (theta[1,2] likewise) and calls affine_grid + grid_sample(bilinear, border,
 * align_corners=False); substituting gives source x = i·W/299 (TF1's resize_bilinear), clamped to
 * [0, W−1]. Grayscale is repeated to 3 channels and alpha dropped, as metric_utils does.
 * Writes 3 planes of 299² floats (0–255) into `out` at `offset`.
 */
export function resizeLikeNvlabs(img: RawImage, out: Float32Array, offset = 0): void {
  const S = INCEPTION_SIZE;
  const { width: w, height: h, channels, data } = img;
  const axis = (size: number, i: number): [number, number, number] => {
    const src = Math.min(Math.max((i * size) / S, 0), size - 1);
    const i0 = Math.floor(src);
    return [i0, Math.min(i0 + 1, size - 1), src - i0];
  };
  const xs = Array.from({ length: S }, (_, i) => axis(w, i));
  for (let c = 0; c < 3; c++) {
    const ch = channels === 1 ? 0 : c;
    const plane = offset + c * S * S;
    for (let oy = 0; oy < S; oy++) {
      const [y0, y1, fy] = axis(h, oy);
      const r0 = y0 * w;
      const r1 = y1 * w;
      for (let ox = 0; ox < S; ox++) {
        const [x0, x1, fx] = xs[ox];
        const top = data[(r0 + x0) * channels + ch] * (1 - fx) + data[(r0 + x1) * channels + ch] * fx;
        const bottom = data[(r1 + x0) * channels + ch] * (1 - fx) + data[(r1 + x1) * channels + ch] * fx;
        out[plane + oy * S + ox] = top * (1 - fy) + bottom * fy;
      }
    }
  }
}
