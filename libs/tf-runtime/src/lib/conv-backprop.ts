import * as tf from '@tensorflow/tfjs';

/**
 * Convolution backprop kernels the wasm backend lacks, written with tf ops that wasm has
 * (pad, strided slice, matMul, depthwise conv). Layout NHWC; filters [kh, kw, in, out|multiplier].
 */

type Pad = 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
type Pair = number | [number, number];
type Shape4 = [number, number, number, number];
type Info = tf.backend_util.Conv2DInfo;

export interface ConvGeometry {
  strides: Pair;
  pad: Pad;
  dilations?: Pair;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/** The forward conv's geometry; plain convs are undilated here (tfjs' conv2d gradients require it). */
function convInfo(xShape: number[], filterShape: number[], geo: ConvGeometry, depthwise: boolean): Info {
  return tf.backend_util.computeConv2DInfo(
    xShape as Shape4,
    filterShape as Shape4,
    geo.strides,
    depthwise ? (geo.dilations ?? 1) : 1,
    geo.pad,
    geo.dimRoundingMode,
    depthwise,
  );
}

/** x zero-padded so that every tap's strided window of `outH × outW` positions fits. */
function padForTaps(x: tf.Tensor4D, info: Info): tf.Tensor4D {
  const { top, left } = info.padInfo;
  const needH = (info.filterHeight - 1) * info.dilationHeight + (info.outHeight - 1) * info.strideHeight + 1;
  const needW = (info.filterWidth - 1) * info.dilationWidth + (info.outWidth - 1) * info.strideWidth + 1;
  const bottom = Math.max(0, needH - top - info.inHeight);
  const right = Math.max(0, needW - left - info.inWidth);
  return tf.pad(x, [
    [0, 0],
    [top, bottom],
    [left, right],
    [0, 0],
  ]);
}

/** The input pixels tap (kh, kw) sees at every output position: [batch, outH, outW, inChannels]. */
function tapWindow(xPadded: tf.Tensor4D, info: Info, kh: number, kw: number): tf.Tensor4D {
  const y0 = kh * info.dilationHeight;
  const x0 = kw * info.dilationWidth;
  return tf.stridedSlice(
    xPadded,
    [0, y0, x0, 0],
    [
      info.batchSize,
      y0 + (info.outHeight - 1) * info.strideHeight + 1,
      x0 + (info.outWidth - 1) * info.strideWidth + 1,
      info.inChannels,
    ],
    [1, info.strideHeight, info.strideWidth, 1],
  ) as tf.Tensor4D;
}

function forEachTap(info: Info, fn: (kh: number, kw: number) => tf.Tensor): tf.Tensor[] {
  const taps: tf.Tensor[] = [];
  for (let kh = 0; kh < info.filterHeight; kh++) {
    for (let kw = 0; kw < info.filterWidth; kw++) taps.push(fn(kh, kw));
  }
  return taps;
}

type FilterBackprop = (
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  filterShape: Shape4,
  geo: ConvGeometry,
) => tf.Tensor4D;

/** dL/dW set-up shared by conv and depthwise: the forward geometry and x padded so every tap's window fits. */
function filterBackprop(
  depthwise: boolean,
  fromPadded: (xPadded: tf.Tensor4D, dy: tf.Tensor4D, info: Info, filterShape: Shape4) => tf.Tensor4D,
): FilterBackprop {
  return (x, dy, filterShape, geo) =>
    tf.tidy(() => {
      const info = convInfo(x.shape, filterShape, geo, depthwise);
      return fromPadded(padForTaps(x, info), dy, info, filterShape);
    });
}

/**
 * dL/dW of conv2d as one stride-1 convolution with batch and channels swapped: the padded input
 * [inC, H, W, batch] convolved with dy [outH, outW, batch, outC] (dilated by the forward stride) gives
 * [inC, kh, kw, outC]. XNNPACK runs it as one GEMM — ~6× faster here than per-tap matMuls.
 */
export const conv2dBackpropFilter = filterBackprop(false, (xPadded, dy, info, [kh, kw, inC, outC]) => {
  const channelsAsBatch = tf.transpose(xPadded, [3, 1, 2, 0]) as tf.Tensor4D;
  const dyAsFilter = tf.transpose(dy, [1, 2, 0, 3]) as tf.Tensor4D;
  const strides: [number, number] = [info.strideHeight, info.strideWidth];
  const full = tf.conv2d(channelsAsBatch, dyAsFilter, 1, 'valid', 'NHWC', strides);
  return tf.transpose(tf.slice(full, 0, [inC, kh, kw, outC]), [1, 2, 0, 3]);
});

/** dL/dW of depthwise conv: per tap, Σ over batch and positions of window · dy, per channel and multiplier. */
export const depthwiseConv2dBackpropFilter = filterBackprop(true, (xPadded, dy, info, filterShape) => {
  const rows = info.batchSize * info.outHeight * info.outWidth;
  const dy3 = tf.reshape(dy, [rows, info.inChannels, filterShape[3]]);
  const taps = forEachTap(info, (kh, kw) =>
    tf.sum(tf.mul(tf.reshape(tapWindow(xPadded, info, kh, kw), [rows, info.inChannels, 1]), dy3), 0),
  );
  return tf.reshape(tf.stack(taps), filterShape);
});

/** Inserts stride−1 zeros between pixels (the transpose of striding): [b, (h−1)s+1, (w−1)s+1, c]. */
function insertZeros(t: tf.Tensor4D, sh: number, sw: number): tf.Tensor4D {
  if (sh === 1 && sw === 1) return t;
  const [b, h, w, c] = t.shape;
  const spread = tf.pad(tf.reshape(t, [b, h, 1, w, 1, c]), [
    [0, 0],
    [0, 0],
    [0, sh - 1],
    [0, 0],
    [0, sw - 1],
    [0, 0],
  ]);
  const dense = tf.reshape(spread, [b, h * sh, w * sw, c]) as tf.Tensor4D;
  return tf.slice(dense, 0, [b, (h - 1) * sh + 1, (w - 1) * sw + 1, c]);
}

/** Pads (positive) or crops (negative) the two spatial axes. */
function padOrCrop(t: tf.Tensor4D, top: number, bottom: number, left: number, right: number): tf.Tensor4D {
  const padded = tf.pad(t, [
    [0, 0],
    [Math.max(0, top), Math.max(0, bottom)],
    [Math.max(0, left), Math.max(0, right)],
    [0, 0],
  ]);
  const [b, h, w, c] = padded.shape;
  const y0 = Math.max(0, -top);
  const x0 = Math.max(0, -left);
  return tf.slice(
    padded,
    [0, y0, x0, 0],
    [b, h - y0 - Math.max(0, -bottom), w - x0 - Math.max(0, -right), c],
  ) as tf.Tensor4D;
}

/**
 * dy laid out for a transposed conv as a stride-1 'valid' conv with the flipped filter: zeros inserted
 * by the forward stride, then padded (or cropped) so the output lands on the input grid.
 */
function checkDyShape(dy: tf.Tensor4D, info: Info): void {
  const expected = [info.batchSize, info.outHeight, info.outWidth, info.outChannels];
  if (dy.shape.some((d, i) => d !== expected[i])) {
    throw new Error(
      `conv backprop input: dy has shape [${dy.shape}] but the forward conv of [${info.inShape}] gives [${expected}]; check inputShape, strides and padding.`,
    );
  }
}

function frameForTransposedConv(dy: tf.Tensor4D, info: Info): tf.Tensor4D {
  checkDyShape(dy, info);
  const spread = insertZeros(dy, info.strideHeight, info.strideWidth);
  const reachH = (info.filterHeight - 1) * info.dilationHeight;
  const reachW = (info.filterWidth - 1) * info.dilationWidth;
  const top = reachH - info.padInfo.top;
  const left = reachW - info.padInfo.left;
  const bottom = info.inHeight + reachH - spread.shape[1] - top;
  const right = info.inWidth + reachW - spread.shape[2] - left;
  return padOrCrop(spread, top, bottom, left, right);
}

type InputBackprop = (
  inputShape: Shape4,
  dy: tf.Tensor4D,
  filter: tf.Tensor4D,
  geo: ConvGeometry,
) => tf.Tensor4D;

/** dL/dx set-up shared by conv and depthwise: the forward geometry and dy framed for a transposed conv. */
function inputBackprop(
  depthwise: boolean,
  fromFramed: (framed: tf.Tensor4D, filter: tf.Tensor4D, info: Info) => tf.Tensor4D,
): InputBackprop {
  return (inputShape, dy, filter, geo) =>
    tf.tidy(() => {
      const info = convInfo(inputShape, filter.shape, geo, depthwise);
      return fromFramed(frameForTransposedConv(dy, info), filter, info);
    });
}

const framedConv2dBackpropInput = inputBackprop(false, (framed, filter) => {
  const flipped = tf.transpose(tf.reverse(filter, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D;
  return tf.conv2d(framed, flipped, 1, 'valid');
});

/**
 * Whether the forward conv tiles its input: a square filter (> 1×1) as large as its stride, undilated, with no
 * padding. Then every input pixel belongs to exactly one window (MediaPipe selfie's 2×2 stride-2 upsampling).
 */
function tilesInput(info: Info): boolean {
  const { top, bottom, left, right } = info.padInfo;
  return (
    info.filterHeight > 1 &&
    info.filterHeight === info.filterWidth &&
    info.strideHeight === info.filterHeight &&
    info.strideWidth === info.filterWidth &&
    info.dilationHeight === 1 &&
    info.dilationWidth === 1 &&
    top === 0 &&
    bottom === 0 &&
    left === 0 &&
    right === 0 &&
    info.inHeight === info.outHeight * info.strideHeight &&
    info.inWidth === info.outWidth * info.strideWidth
  );
}

/**
 * dL/dx of conv2d (= conv2dTranspose) as an XNNPACK conv of the framed dy with the flipped, in/out-swapped
 * filter; wasm's own Conv2DBackpropInput is a plain loop ~8× slower than its forward conv here. When
 * the forward conv tiles its input, each dy pixel alone makes one k×k block of dx: a 1×1 conv to
 * k·k·inC channels and depthToSpace, without the zero-inserted dy (k² times larger, mostly zeros).
 */
export const conv2dBackpropInput: InputBackprop = (inputShape, dy, filter, geo) => {
  const info = convInfo(inputShape, filter.shape, geo, false);
  if (!tilesInput(info)) return framedConv2dBackpropInput(inputShape, dy, filter, geo);
  checkDyShape(dy, info);
  return tf.tidy(() => {
    const [k, , inC, outC] = filter.shape;
    // Output channel (a·k + b)·inC + c of the 1×1 filter is tap (a, b), input channel c: depthToSpace's order.
    const perPixel = tf.reshape(tf.transpose(filter, [3, 0, 1, 2]), [1, 1, outC, k * k * inC]);
    const blocks = tf.conv2d(dy, perPixel as tf.Tensor4D, 1, 'valid');
    return tf.depthToSpace(blocks, k, 'NHWC');
  });
};

/**
 * dL/dx of depthwise conv = the transposed depthwise conv: a stride-1 depthwise conv of the framed dy
 * with the spatially flipped filter, once per channel multiplier.
 */
export const depthwiseConv2dBackpropInput = inputBackprop(true, (framed, filter, info) => {
  const [kh, kw, channels, multiplier] = filter.shape;
  const flipped = tf.reverse(filter, [0, 1]) as tf.Tensor4D;
  const dilations: [number, number] = [info.dilationHeight, info.dilationWidth];
  const [b, h, w] = framed.shape;
  const perMultiplier = tf.reshape(framed, [b, h, w, channels, multiplier]);
  const parts: tf.Tensor4D[] = [];
  for (let q = 0; q < multiplier; q++) {
    const dyQ = tf.reshape(tf.slice(perMultiplier, [0, 0, 0, 0, q], [b, h, w, channels, 1]), [
      b,
      h,
      w,
      channels,
    ]) as tf.Tensor4D;
    const wQ = tf.slice(flipped, [0, 0, 0, q], [kh, kw, channels, 1]);
    parts.push(tf.depthwiseConv2d(dyQ, wQ, 1, 'valid', 'NHWC', dilations));
  }
  return parts.length === 1 ? parts[0] : (tf.addN(parts) as tf.Tensor4D);
});
