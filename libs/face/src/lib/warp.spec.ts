import { readFileSync } from 'node:fs';
import { rawToSharp, sharpToRaw } from '@portrait-forge/image-io';
// The build script is the one definition of how warp-kernels.wasm is made from warp-kernels.wat.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { buildWasm, WARP_WAT_PATH } from '../../../../tools/scripts/build-wasm';
import { cropPixels, reflectIndex, reflectPad, softenPadding, warpQuad, type Pixels } from './warp';
import { WARP_WASM_PATH } from './warp-kernels';

// The former pure-JS implementation, kept as the reference the fast path must match bit for bit.
const { round, floor, min, max } = Math;

function referenceReflectPad(src: Pixels<Uint8Array>, [left, top, right, bottom]: Box4): Pixels<Uint8Array> {
  const { width: w, height: h, channels: c } = src;
  const width = w + left + right;
  const height = h + top + bottom;
  const data = new Uint8Array(width * height * c);
  const columns = Int32Array.from({ length: width }, (_, x) => reflectIndex(x - left, w) * c);
  for (let y = 0; y < height; y++) {
    const srcRow = reflectIndex(y - top, h) * w * c;
    let o = y * width * c;
    for (let x = 0; x < width; x++) {
      const s = srcRow + columns[x];
      for (let k = 0; k < c; k++) data[o++] = src.data[s + k];
    }
  }
  return { data, width, height, channels: c };
}

function referenceChannelMedians(img: Pixels<Float32Array>): number[] {
  const bins = 256 * 64;
  const n = img.width * img.height;
  const medians: number[] = [];
  for (let k = 0; k < img.channels; k++) {
    const hist = new Uint32Array(bins);
    for (let i = k; i < img.data.length; i += img.channels) {
      const v = min(bins - 1, max(0, round(img.data[i] * 64)));
      hist[v]++;
    }
    let seen = 0;
    let bin = 0;
    while (bin < bins && seen + hist[bin] <= (n - 1) / 2) seen += hist[bin++];
    medians.push(bin / 64);
  }
  return medians;
}

/** Float32 blend (blendPadding) followed by toBytes. */
function referenceSoften(img: Pixels<Uint8Array>, blurred: ArrayLike<number>, pad: Box4): Uint8Array {
  const [left, top, right, bottom] = pad;
  const { width: w, height: h, channels: c } = img;
  const data = Float32Array.from(img.data);
  const clip01 = (v: number) => (v < 0 ? 0 : v > 1 ? 1 : v);
  const maskAt = (x: number, y: number) =>
    max(1 - min(x / left, (w - 1 - x) / right), 1 - min(y / top, (h - 1 - y) / bottom));
  for (let y = 0, i = 0; y < h; y++) {
    for (let x = 0; x < w; x++, i += c) {
      const a = clip01(maskAt(x, y) * 3 + 1);
      for (let k = 0; k < c; k++) data[i + k] += (blurred[i + k] - data[i + k]) * a;
    }
  }
  const medians = referenceChannelMedians({ data, width: w, height: h, channels: c });
  for (let y = 0, i = 0; y < h; y++) {
    for (let x = 0; x < w; x++, i += c) {
      const a = clip01(maskAt(x, y));
      if (a === 0) continue;
      for (let k = 0; k < c; k++) data[i + k] += (medians[k] - data[i + k]) * a;
    }
  }
  const out = new Uint8Array(data.length);
  for (let i = 0; i < out.length; i++) {
    const v = round(data[i]);
    out[i] = v < 0 ? 0 : v > 255 ? 255 : v;
  }
  return out;
}

function referenceWarpQuad(
  src: Pixels<Uint8Array>,
  quad: readonly Corner[],
  size: number,
): Pixels<Uint8Array> {
  const { width: w, height: h, channels: c, data: s } = src;
  const out = new Uint8Array(size * size * c);
  const [q0, q1, , q3] = quad;
  const ux = (q3.x - q0.x) / size;
  const uy = (q3.y - q0.y) / size;
  const vx = (q1.x - q0.x) / size;
  const vy = (q1.y - q0.y) / size;
  let o = 0;
  for (let v = 0; v < size; v++) {
    let sx = q0.x + ux * 0.5 + vx * (v + 0.5);
    let sy = q0.y + uy * 0.5 + vy * (v + 0.5);
    for (let u = 0; u < size; u++, sx += ux, sy += uy, o += c) {
      if (sx < -0.5 || sy < -0.5 || sx >= w - 0.5 || sy >= h - 0.5) continue;
      const xf = floor(sx);
      const yf = floor(sy);
      const fx = sx - xf;
      const fy = sy - yf;
      const x0 = xf < 0 ? 0 : xf;
      const y0 = yf < 0 ? 0 : yf;
      const x1 = xf + 1 >= w ? w - 1 : xf + 1;
      const y1 = yf + 1 >= h ? h - 1 : yf + 1;
      for (let k = 0; k < c; k++) {
        const a = s[(y0 * w + x0) * c + k];
        const b = s[(y0 * w + x1) * c + k];
        const d = s[(y1 * w + x0) * c + k];
        const e = s[(y1 * w + x1) * c + k];
        const top = a + (b - a) * fx;
        const bottom = d + (e - d) * fx;
        out[o + k] = round(top + (bottom - top) * fy);
      }
    }
  }
  return { data: out, width: size, height: size, channels: c };
}

type Box4 = [number, number, number, number];
type Corner = { x: number; y: number };

/** Deterministic pseudo-random source: noise, ramps with noise, and flat halves (exact .5 blends). */
function randomGenerator(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 2 ** 32;
  };
}

function randomImage(width: number, height: number, channels: number, seed: number): Pixels<Uint8Array> {
  const random = randomGenerator(seed);
  const data = new Uint8Array(width * height * channels);
  for (let i = 0; i < data.length; i++) {
    const x = Math.floor(i / channels) % width;
    const noise = Math.floor(random() * 256);
    data[i] =
      seed % 3 === 0 ? noise : seed % 3 === 1 ? (x * 9 + (noise & 15)) & 255 : x < width / 2 ? 200 : noise;
  }
  return { data, width, height, channels };
}

/** A rotated, scaled square reaching up to `spill` of its side past the image edges. */
function randomQuad(width: number, height: number, random: () => number, spill: number): Corner[] {
  const side = (0.3 + random()) * Math.max(width, height);
  const angle = (random() - 0.5) * 1.5;
  const cx = width * (0.5 + (random() - 0.5) * 2 * spill);
  const cy = height * (0.5 + (random() - 0.5) * 2 * spill);
  const ex = { x: (Math.cos(angle) * side) / 2, y: (Math.sin(angle) * side) / 2 };
  const ey = { x: -ex.y, y: ex.x };
  return [
    { x: cx - ex.x - ey.x, y: cy - ex.y - ey.y },
    { x: cx - ex.x + ey.x, y: cy - ex.y + ey.y },
    { x: cx + ex.x + ey.x, y: cy + ex.y + ey.y },
    { x: cx + ex.x - ey.x, y: cy + ex.y - ey.y },
  ];
}

/** Index and values of the first difference, or null: keeps failure messages small. */
function firstDifference(a: Uint8Array, b: Uint8Array): null | { at: number; got: number; want: number } {
  if (a.length !== b.length) return { at: -1, got: a.length, want: b.length };
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return { at: i, got: a[i], want: b[i] };
  return null;
}

describe('warp-kernels.wasm', () => {
  it('is the build of warp-kernels.wat', async () => {
    const rebuilt = await buildWasm(WARP_WAT_PATH);
    expect(Buffer.from(rebuilt).equals(readFileSync(WARP_WASM_PATH))).toBe(true);
  });
});

describe('warpQuad (WebAssembly) matches the JavaScript reference bit for bit', () => {
  const SHAPES: readonly [number, number][] = [
    [1, 1],
    [2, 1],
    [1, 3],
    [5, 4],
    [37, 23],
    [160, 120],
  ];
  it.each([1, 2, 3, 4])('%i channel(s), random images and quads, partly outside', (channels) => {
    for (const [width, height] of SHAPES) {
      for (let seed = 0; seed < 6; seed++) {
        const random = randomGenerator(seed * 7919 + width * 31 + height + channels);
        const src = randomImage(width, height, channels, seed + width * 7 + height * 131);
        const quad = randomQuad(width, height, random, seed % 2 === 0 ? 0.1 : 0.6);
        const size = 1 + Math.floor(random() * 90);
        const got = warpQuad(src, quad, size);
        expect([got.width, got.height, got.channels]).toEqual([size, size, channels]);
        expect(firstDifference(got.data, referenceWarpQuad(src, quad, size).data)).toBeNull();
      }
    }
  });

  it('axis-aligned quads on half-pixel grids (exact .5 weights, rounding ties)', () => {
    const src = randomImage(9, 7, 3, 2);
    for (const [x0, y0, side, size] of [
      [-0.5, -0.5, 9, 18],
      [0, 0, 4, 8],
      [-2, -1.5, 12, 24],
      [1.25, 0.75, 3, 12],
    ]) {
      const quad = [
        { x: x0, y: y0 },
        { x: x0, y: y0 + side },
        { x: x0 + side, y: y0 + side },
        { x: x0 + side, y: y0 },
      ];
      expect(
        firstDifference(warpQuad(src, quad, size).data, referenceWarpQuad(src, quad, size).data),
      ).toBeNull();
    }
  });

  it('a 1024² warp of a 3-channel face-sized crop', () => {
    const src = randomImage(420, 380, 3, 1);
    const quad = randomQuad(420, 380, randomGenerator(5), 0.15);
    expect(
      firstDifference(warpQuad(src, quad, 1024).data, referenceWarpQuad(src, quad, 1024).data),
    ).toBeNull();
  });

  it('rejects non-finite corners', () => {
    const quad = [
      { x: Number.NaN, y: 0 },
      { x: 0, y: 1 },
      { x: 1, y: 1 },
      { x: 1, y: 0 },
    ];
    expect(() => warpQuad(randomImage(2, 2, 1, 0), quad, 4)).toThrow(/non-finite/);
  });
});

describe('padding helpers match the JavaScript reference', () => {
  it.each([1, 3])('reflectPad, %i channel(s)', (channels) => {
    for (const [width, height, pad] of [
      [1, 1, [2, 3, 1, 0]],
      [3, 2, [4, 0, 5, 7]],
      [17, 11, [20, 9, 0, 31]],
    ] as [number, number, Box4][]) {
      const src = randomImage(width, height, channels, width + height);
      const got = reflectPad(src, pad);
      const want = referenceReflectPad(src, pad);
      expect([got.width, got.height]).toEqual([want.width, want.height]);
      expect(firstDifference(got.data, want.data)).toBeNull();
    }
  });

  it.each([1, 3])('softenPadding (blend, median fade, bytes), %i channel(s)', (channels) => {
    for (let seed = 0; seed < 8; seed++) {
      const random = randomGenerator(seed + 100 * channels);
      const src = randomImage(5 + Math.floor(random() * 40), 3 + Math.floor(random() * 40), channels, seed);
      const least = Math.floor(random() * 12);
      const pad = Array.from({ length: 4 }, () => least + Math.floor(random() * 10)) as Box4;
      const padded = reflectPad(src, pad);
      // blurred: another image, or (sigma < 0.3) the padded image itself
      const blurred =
        seed % 3 === 0 ? padded.data.slice() : randomImage(padded.width, padded.height, channels, seed).data;
      const want = referenceSoften(padded, blurred, pad);
      softenPadding(padded, blurred, pad);
      expect(firstDifference(padded.data, want)).toBeNull();
    }
  });

  it('softenPadding over a region writes the reference there and nothing elsewhere', () => {
    const pad: Box4 = [9, 4, 6, 11];
    const padded = reflectPad(randomImage(30, 26, 3, 7), pad);
    const blurred = randomImage(padded.width, padded.height, 3, 8).data;
    const want = referenceSoften(padded, blurred, pad);
    const region = { left: 5, top: 3, width: 20, height: 30 };
    const before = padded.data.slice();
    softenPadding(padded, blurred, pad, region);
    for (let y = 0, i = 0; y < padded.height; y++) {
      for (let x = 0; x < padded.width; x++, i += 3) {
        const inside = x >= 5 && x < 25 && y >= 3 && y < 33;
        const expected = (inside ? want : before).subarray(i, i + 3);
        if (!padded.data.subarray(i, i + 3).every((v, k) => v === expected[k]))
          throw new Error(`pixel ${x},${y}`);
      }
    }
  });

  it('softenPadding with a zero-width side (degenerate tiny quad) still matches, NaN weights included', () => {
    const padded = reflectPad(randomImage(6, 5, 3, 4), [0, 3, 2, 0]);
    const blurred = randomImage(padded.width, padded.height, 3, 9).data;
    const want = referenceSoften(padded, blurred, [0, 3, 2, 0]);
    softenPadding(padded, blurred, [0, 3, 2, 0]);
    expect(firstDifference(padded.data, want)).toBeNull();
  });

  it.each([1, 3])('cropPixels equals sharp extract, %i channel(s)', async (channels) => {
    const src = randomImage(23, 17, channels, 3);
    const region = { left: 4, top: 2, width: 11, height: 13 };
    const want = await sharpToRaw(rawToSharp({ ...src, channels: channels as 1 | 3 }).extract(region));
    expect(firstDifference(cropPixels(src, region).data, want.data)).toBeNull();
  });
});
