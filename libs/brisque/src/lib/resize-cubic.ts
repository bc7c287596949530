import { kernels } from './kernels';

// Math functions aliased once: under Jest's vm context every `Math.x` lookup in a hot loop is slow.
const { floor, fround } = Math;

const CUBIC_A = -0.75;
/** Replicated pixels on each side of a row in resizeRows' padded copy. */
const ROW_PAD = 3;

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
  /** First of the four source indices, ≥ −2 and ≤ sourceSize − 2 (outside: replicated). */
  start: Int32Array;
  weights: Float32Array;
}

/** Source taps for each destination index, with OpenCV's pixel-centre mapping; 4 spare zero entries. */
function cubicTaps(sourceSize: number, destSize: number): CubicTaps {
  const scale = 1 / (destSize / sourceSize);
  const start = new Int32Array(destSize + 4);
  const weights = new Float32Array((destSize + 4) * 4);
  for (let d = 0; d < destSize; d++) {
    const position = fround((d + 0.5) * scale - 0.5);
    const first = floor(position);
    start[d] = first - 1;
    cubicWeights(fround(position - first), weights, d * 4);
  }
  return { start, weights };
}

/**
 * cv::resize(INTER_CUBIC) of the float32 image at byte address `source` of kernel memory into a new
 * block (returned): horizontal then vertical 4-tap pass, replicated border, float32 intermediates
 * (as OpenCV's resizeGeneric_ does).
 */
export function resizeInKernelMemory(
  source: number,
  sourceWidth: number,
  sourceHeight: number,
  destWidth: number,
  destHeight: number,
): number {
  const columns = cubicTaps(sourceWidth, destWidth);
  const rows = cubicTaps(sourceHeight, destHeight);
  const columnTaps = columns.start.map((s) => s + ROW_PAD);
  const rowTaps = new Int32Array(destHeight * 4);
  for (let y = 0; y < destHeight; y++) {
    for (let t = 0; t < 4; t++)
      rowTaps[y * 4 + t] = Math.min(Math.max(rows.start[y] + t, 0), sourceHeight - 1);
  }
  const horizontal = kernels.allocate(sourceHeight * destWidth * 4);
  const dest = kernels.allocate(destWidth * destHeight * 4);
  const pad = kernels.allocate((sourceWidth + 16) * 4);
  const tables = kernels.allocate(
    (columnTaps.length + columns.weights.length + rowTaps.length + rows.weights.length) * 4,
  );
  const columnWeightsAt = tables + columnTaps.length * 4;
  const rowTapsAt = columnWeightsAt + columns.weights.length * 4;
  const rowWeightsAt = rowTapsAt + rowTaps.length * 4;
  kernels.int32(tables, columnTaps.length).set(columnTaps);
  kernels.float32(columnWeightsAt, columns.weights.length).set(columns.weights);
  kernels.int32(rowTapsAt, rowTaps.length).set(rowTaps);
  kernels.float32(rowWeightsAt, rows.weights.length).set(rows.weights);
  kernels.fn.resizeRows(
    source,
    sourceWidth,
    sourceHeight,
    horizontal,
    destWidth,
    tables,
    columnWeightsAt,
    pad,
  );
  kernels.fn.resizeColumns(horizontal, destWidth, dest, destHeight, rowTapsAt, rowWeightsAt);
  return dest;
}

/** cv::resize(INTER_CUBIC) of a float32 single-channel image (see resizeInKernelMemory). */
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
  kernels.reset();
  const input = kernels.allocate(sourceWidth * sourceHeight * 4);
  kernels.float32(input, sourceWidth * sourceHeight).set(source.subarray(0, sourceWidth * sourceHeight));
  const dest = resizeInKernelMemory(input, sourceWidth, sourceHeight, destWidth, destHeight);
  return kernels.float32(dest, destWidth * destHeight).slice();
}
