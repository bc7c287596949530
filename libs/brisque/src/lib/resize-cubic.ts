// Math functions aliased once: under Jest's vm context every `Math.x` lookup in a hot loop is slow.
const { floor, fround } = Math;

const CUBIC_A = -0.75;

/** OpenCV's interpolateCubic (A = −0.75) in float32 arithmetic, as resize() computes it. */
function cubicWeights(fraction: number, out: Float32Array, offset: number): void {
  const f = fround;
  const x = f(fraction);
  const xp1 = f(x + 1);
  const omx = f(1 - x);
  const c0 = f(f(f(f(f(f(CUBIC_A * xp1) - f(5 * CUBIC_A)) * xp1) + f(8 * CUBIC_A)) * xp1) - f(4 * CUBIC_A));
  const c1 = f(f(f(f(f((CUBIC_A + 2) * x) - (CUBIC_A + 3)) * x) * x) + 1);
  const c2 = f(f(f(f(f((CUBIC_A + 2) * omx) - (CUBIC_A + 3)) * omx) * omx) + 1);
  out[offset] = c0;
  out[offset + 1] = c1;
  out[offset + 2] = c2;
  out[offset + 3] = f(f(f(1 - c0) - c1) - c2);
}

interface CubicTaps {
  /** First of the four source indices (may be < 0 or run past the end: replicated). */
  start: Int32Array;
  weights: Float32Array;
}

/** Source taps for each destination index, with OpenCV's pixel-centre mapping. */
function cubicTaps(sourceSize: number, destSize: number): CubicTaps {
  const scale = 1 / (destSize / sourceSize);
  const start = new Int32Array(destSize);
  const weights = new Float32Array(destSize * 4);
  for (let d = 0; d < destSize; d++) {
    const position = fround((d + 0.5) * scale - 0.5);
    const first = floor(position);
    start[d] = first - 1;
    cubicWeights(fround(position - first), weights, d * 4);
  }
  return { start, weights };
}

const clamp = (i: number, last: number): number => (i < 0 ? 0 : i > last ? last : i);

/**
 * cv::resize(INTER_CUBIC) of a float32 single-channel image: horizontal then vertical 4-tap pass,
 * replicated border, float32 intermediates (as OpenCV's resizeGeneric_ does).
 */
export function resizeCubic(
  source: Float32Array,
  sourceWidth: number,
  sourceHeight: number,
  destWidth: number,
  destHeight: number,
): Float32Array {
  if (destWidth < 1 || destHeight < 1) {
    throw new Error(`resizeCubic: destination ${destWidth}×${destHeight} is empty`);
  }
  if (destWidth === sourceWidth && destHeight === sourceHeight) return source.slice();
  const columns = cubicTaps(sourceWidth, destWidth);
  const rows = cubicTaps(sourceHeight, destHeight);
  const horizontal = new Float32Array(sourceHeight * destWidth);
  const lastColumn = sourceWidth - 1;
  const f = fround;
  for (let y = 0; y < sourceHeight; y++) {
    const src = y * sourceWidth;
    const dst = y * destWidth;
    for (let x = 0; x < destWidth; x++) {
      const s = columns.start[x];
      const w = x * 4;
      const a = source[src + clamp(s, lastColumn)];
      const b = source[src + clamp(s + 1, lastColumn)];
      const c = source[src + clamp(s + 2, lastColumn)];
      const d = source[src + clamp(s + 3, lastColumn)];
      horizontal[dst + x] = f(
        f(f(f(a * columns.weights[w]) + f(b * columns.weights[w + 1])) + f(c * columns.weights[w + 2])) +
          f(d * columns.weights[w + 3]),
      );
    }
  }
  const out = new Float32Array(destWidth * destHeight);
  const lastRow = sourceHeight - 1;
  const vectorWidth = destWidth - (destWidth % 4);
  for (let y = 0; y < destHeight; y++) {
    const s = rows.start[y];
    const r0 = clamp(s, lastRow) * destWidth;
    const r1 = clamp(s + 1, lastRow) * destWidth;
    const r2 = clamp(s + 2, lastRow) * destWidth;
    const r3 = clamp(s + 3, lastRow) * destWidth;
    const b0 = rows.weights[y * 4];
    const b1 = rows.weights[y * 4 + 1];
    const b2 = rows.weights[y * 4 + 2];
    const b3 = rows.weights[y * 4 + 3];
    const dst = y * destWidth;
    let x = 0;
    // OpenCV's 4-lane SIMD body sums from the last tap back; its scalar tail sums forward.
    for (; x < vectorWidth; x++) {
      out[dst + x] = f(
        f(f(f(horizontal[r3 + x] * b3) + f(horizontal[r2 + x] * b2)) + f(horizontal[r1 + x] * b1)) +
          f(horizontal[r0 + x] * b0),
      );
    }
    for (; x < destWidth; x++) {
      out[dst + x] = f(
        f(f(f(horizontal[r0 + x] * b0) + f(horizontal[r1 + x] * b1)) + f(horizontal[r2 + x] * b2)) +
          f(horizontal[r3 + x] * b3),
      );
    }
  }
  return out;
}
