import { readFileSync } from 'node:fs';
import type { RawImage } from '@portrait-forge/image-io';
// The build script is the one definition of how kernels.wasm is made from kernels.wat.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { buildWasm, KERNELS_WAT_PATH } from '../../../../tools/scripts/build-wasm';
import { accumulate } from './features';
import { unitGrayInKernelMemory } from './gray';
import { kernels, KERNELS_WASM_PATH } from './kernels';
import { computeMscn, gaussianKernel, mscnInKernelMemory } from './mscn';
import { resizeCubic } from './resize-cubic';

// The former pure-JS implementation (float32 rounding via fround, FMAs as fround(a·b + c) with the
// product exact in double), kept as the reference the wasm kernels must match bit for bit.
const { abs, fround, sqrt } = Math;

function referenceGray(image: RawImage): Float32Array {
  const unit = fround(1 / 255);
  const n = image.width * image.height;
  return Float32Array.from({ length: n }, (_, i) => {
    if (image.channels === 1) return image.data[i] * unit;
    const [r, g, b] = image.data.subarray(i * 3, i * 3 + 3);
    return ((r * 4899 + g * 9617 + b * 1868 + 8192) >> 14) * unit;
  });
}

function referenceMscn(image: Float32Array, width: number, height: number): Float32Array {
  const [k0, k1, k2, k3, k4, k5, k6] = gaussianKernel();
  const at = (x: number, y: number): number =>
    image[Math.min(Math.max(y, 0), height - 1) * width + Math.min(Math.max(x, 0), width - 1)];
  const rowMean = new Float32Array(width * height);
  const rowSquare = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = [-3, -2, -1, 0, 1, 2, 3].map((d) => at(x + d, y));
      const q = p.map((v) => fround(v * v));
      const taps = (v: number[]): number => {
        let m = fround(v[0] * k0);
        m = fround(v[1] * k1 + m);
        m = fround(v[2] * k2 + m);
        m = fround(v[3] * k3 + m);
        m = fround(v[4] * k4 + m);
        m = fround(v[5] * k5 + m);
        return v[6] * k6 + m;
      };
      rowMean[y * width + x] = taps(p);
      rowSquare[y * width + x] = taps(q);
    }
  }
  const out = new Float32Array(width * height);
  const row = (y: number): number => Math.min(Math.max(y, 0), height - 1) * width;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const column = (map: Float32Array): number => {
        let acc = fround(map[row(y) + x] * k3);
        acc = fround(k2 * fround(map[row(y - 1) + x] + map[row(y + 1) + x]) + acc);
        acc = fround(k1 * fround(map[row(y - 2) + x] + map[row(y + 2) + x]) + acc);
        return fround(k0 * fround(map[row(y - 3) + x] + map[row(y + 3) + x]) + acc);
      };
      const mu = column(rowMean);
      const sigma = fround(fround(sqrt(fround(column(rowSquare) - fround(mu * mu)))) + fround(1 / 255));
      const coefficient = fround(fround(image[y * width + x] - mu) / sigma);
      out[y * width + x] = coefficient === coefficient ? coefficient : 0;
    }
  }
  return out;
}

function referenceCubicTaps(sourceSize: number, destSize: number): { start: number[]; weights: number[][] } {
  const a = -0.75;
  const f = fround;
  const scale = 1 / (destSize / sourceSize);
  const start: number[] = [];
  const weights: number[][] = [];
  for (let d = 0; d < destSize; d++) {
    const position = f((d + 0.5) * scale - 0.5);
    const first = Math.floor(position);
    const x = f(position - first);
    const xp1 = f(x + 1);
    const omx = f(1 - x);
    const c0 = f(f(f(f(f(f(a * xp1) - f(5 * a)) * xp1) + f(8 * a)) * xp1) - f(4 * a));
    const c1 = f(f(f(f(f((a + 2) * x) - (a + 3)) * x) * x) + 1);
    const c2 = f(f(f(f(f((a + 2) * omx) - (a + 3)) * omx) * omx) + 1);
    start.push(first - 1);
    weights.push([c0, c1, c2, f(f(f(1 - c0) - c1) - c2)]);
  }
  return { start, weights };
}

function referenceResize(source: Float32Array, sw: number, sh: number, dw: number, dh: number): Float32Array {
  const f = fround;
  const columns = referenceCubicTaps(sw, dw);
  const rows = referenceCubicTaps(sh, dh);
  const clamp = (i: number, last: number): number => Math.min(Math.max(i, 0), last);
  const horizontal = new Float32Array(sh * dw);
  for (let y = 0; y < sh; y++) {
    for (let x = 0; x < dw; x++) {
      const p = [0, 1, 2, 3].map((t) =>
        f(source[y * sw + clamp(columns.start[x] + t, sw - 1)] * columns.weights[x][t]),
      );
      horizontal[y * dw + x] = f(f(f(p[0] + p[1]) + p[2]) + p[3]);
    }
  }
  const out = new Float32Array(dw * dh);
  for (let y = 0; y < dh; y++) {
    for (let x = 0; x < dw; x++) {
      const p = [0, 1, 2, 3].map((t) =>
        f(horizontal[clamp(rows.start[y] + t, sh - 1) * dw + x] * rows.weights[y][t]),
      );
      // OpenCV's 4-lane SIMD body sums from the last tap back; its scalar tail sums forward.
      out[y * dw + x] =
        x < dw - (dw % 4) ? f(f(f(p[3] + p[2]) + p[1]) + p[0]) : f(f(f(p[0] + p[1]) + p[2]) + p[3]);
    }
  }
  return out;
}

/** [positive count, negative count, Σ positive v², Σ other v², Σ |v|] in OpenCV's row-major order. */
function referenceSums(mscn: Float32Array, width: number, height: number, dy: number, dx: number): number[] {
  const sums = [0, 0, 0, 0, 0];
  for (let y = Math.max(0, -dy); y < Math.min(height, height - dy); y++) {
    for (let x = 0; x < width - dx; x++) {
      const m = mscn[y * width + x];
      const v = dy === 0 && dx === 0 ? m : fround(m * mscn[(y + dy) * width + x + dx]);
      if (v > 0) sums[0]++;
      if (v < 0) sums[1]++;
      sums[v > 0 ? 2 : 3] += v * v;
      sums[4] += abs(v);
    }
  }
  return sums;
}

/** Deterministic bytes: a smooth ramp with noise or pure noise, and flat runs (σ² rounding < 0). */
function randomImage(width: number, height: number, channels: 1 | 3, seed: number): RawImage {
  let state = seed >>> 0;
  const next = (): number => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state >>> 24;
  };
  const data = new Uint8Array(width * height * channels);
  for (let i = 0; i < data.length; i++) {
    const x = Math.floor(i / channels) % width;
    data[i] =
      seed % 3 === 0 ? next() : seed % 3 === 1 ? (x * 9 + (next() & 15)) & 255 : x < width / 2 ? 200 : next();
  }
  return { data, width, height, channels };
}

const SIZES: readonly (readonly [number, number])[] = [
  [1, 1],
  [1, 9],
  [9, 1],
  [2, 2],
  [3, 5],
  [6, 4],
  [7, 7],
  [8, 3],
  [13, 11],
  [33, 17],
  [64, 64],
  [127, 45],
];

const bits = (values: Float32Array): number[] =>
  Array.from(new Uint32Array(values.buffer, values.byteOffset, values.length));

describe('kernels.wasm', () => {
  it('is what tools/scripts/build-wasm.ts builds from kernels.wat', async () => {
    expect(readFileSync(KERNELS_WAT_PATH, 'utf8')).toContain('(module');
    const rebuilt = await buildWasm(KERNELS_WAT_PATH);
    expect(Buffer.from(rebuilt).equals(readFileSync(KERNELS_WASM_PATH))).toBe(true);
  });

  it.each(SIZES)('matches the JS reference bit for bit on %i×%i images', (width, height) => {
    for (const channels of [1, 3] as const) {
      for (let seed = 0; seed < 3; seed++) {
        const image = randomImage(width, height, channels, seed + width * 7 + height * 131);
        const gray = referenceGray(image);
        kernels.reset();
        expect(bits(kernels.float32(unitGrayInKernelMemory(image), gray.length))).toEqual(bits(gray));

        const mscn = referenceMscn(gray, width, height);
        expect(bits(computeMscn(gray, width, height))).toEqual(bits(mscn));

        const halfWidth = Math.max(1, Math.trunc(width / 2));
        const halfHeight = Math.max(1, Math.trunc(height / 2));
        const half = referenceResize(gray, width, height, halfWidth, halfHeight);
        expect(bits(resizeCubic(gray, width, height, halfWidth, halfHeight))).toEqual(bits(half));

        kernels.reset();
        const input = unitGrayInKernelMemory(image);
        const sums = accumulate(mscnInKernelMemory(input, width, height), width, height);
        const expected = [
          [0, 0],
          [0, 1],
          [1, 0],
          [1, 1],
          [-1, 1],
        ].map(([dy, dx]) => referenceSums(mscn, width, height, dy, dx));
        expect(
          sums.map((s) => [
            s.positiveCount,
            s.negativeCount,
            s.positiveSquares,
            s.negativeSquares,
            s.absoluteSum,
          ]),
        ).toEqual(expected);
      }
    }
  });

  it('upsizes like the reference too (taps before the first and past the last pixel)', () => {
    const image = Float32Array.from({ length: 5 * 3 }, (_, i) => ((i * 37) % 11) / 11);
    expect(bits(resizeCubic(image, 5, 3, 13, 7))).toEqual(bits(referenceResize(image, 5, 3, 13, 7)));
  });
});
