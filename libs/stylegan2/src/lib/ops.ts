import * as tf from '@tensorflow/tfjs';

/**
 * Low-level ops in NHWC. The [1,3,3,1] FIR resampling is written with pad/slice/add so that its
 * gradients exist to any order on every backend; it matches NVlabs' upfirdn2d (filter normalised to
 * sum 1, gain up² when upsampling, zero boundaries).
 */

export const SQRT2 = Math.SQRT2;
export const LRELU_ALPHA = 0.2;

let activationProbe: ((preActivation: tf.Tensor) => void) | null = null;

/**
 * Calls `probe` with every leaky-ReLU input while `fn` runs. Tests use it to pick finite-difference steps
 * that flip no activation: R1 and path length involve the network's Jacobian, which jumps at every kink.
 */
export function withActivationProbe<T>(probe: (preActivation: tf.Tensor) => void, fn: () => T): T {
  const previous = activationProbe;
  activationProbe = probe;
  try {
    return fn();
  } finally {
    activationProbe = previous;
  }
}

/** Leaky ReLU as 0.2x + 0.8·relu(x): same values, and its gradients avoid the Greater op. */
export function lrelu(x: tf.Tensor): tf.Tensor {
  activationProbe?.(x);
  return tf.add(tf.mul(x, LRELU_ALPHA), tf.mul(tf.relu(x), 1 - LRELU_ALPHA));
}

export type Activation = 'linear' | 'lrelu';

/** NVlabs' bias_act: x + b (on the channel axis), activation, then × gain (√2 for lrelu). */
export function biasAct(x: tf.Tensor, bias: tf.Tensor | null, activation: Activation, gain = 1): tf.Tensor {
  let y = bias ? tf.add(x, bias) : x;
  if (activation === 'lrelu') y = tf.mul(lrelu(y), SQRT2 * gain);
  else if (gain !== 1) y = tf.mul(y, gain);
  return y;
}

function padAxis(x: tf.Tensor, axis: number, before: number, after: number): tf.Tensor {
  const pads = x.shape.map((): [number, number] => [0, 0]);
  pads[axis] = [before, after];
  return tf.pad(x, pads);
}

function sliceAxis(x: tf.Tensor, axis: number, start: number, size: number): tf.Tensor {
  const begin = x.shape.map(() => 0);
  const sizes = x.shape.map(() => -1);
  begin[axis] = start;
  sizes[axis] = size;
  return tf.slice(x, begin, sizes);
}

/** Valid correlation with the separable taps [1,3,3,1]/8 along one axis (the filter is symmetric). */
function fir1d(x: tf.Tensor, axis: number): tf.Tensor {
  const n = x.shape[axis] - 3;
  const inner = tf.add(sliceAxis(x, axis, 1, n), sliceAxis(x, axis, 2, n));
  const outer = tf.add(sliceAxis(x, axis, 0, n), sliceAxis(x, axis, 3, n));
  return tf.mul(tf.add(outer, tf.mul(inner, 3)), 1 / 8);
}

/** upfirdn2d(x, f, padding) without resampling: pad then filter (output side = side + 2·pad − 3). */
export function firFilter(x: tf.Tensor4D, pad: number): tf.Tensor4D {
  let y = x as tf.Tensor;
  for (const axis of [1, 2]) y = fir1d(padAxis(y, axis, pad, pad), axis);
  return y as tf.Tensor4D;
}

/**
 * View of an NHWC tensor as 4-D [outer, n, 1, inner] around spatial axis 1 or 2, so that interleaving and
 * decimation stay in rank 4 (tfjs-wasm slices rank-5 tensors element by element).
 */
function splitView(shape: number[], axis: number): [number, number, number, number] {
  const [b, h, w, c] = shape;
  return axis === 1 ? [b, h, 1, w * c] : [b * h, w, 1, c];
}

/** upfirdn2d(x, f, up=2, padding=[2,1]) along one axis, gain 2, via polyphase components. */
function upAxis(x: tf.Tensor, axis: number): tf.Tensor {
  // Zero-stuffed z (z[2i] = x[i]) padded by [2, 1] then filtered:
  // y[2i] = (x[i-1] + 3x[i])/4, y[2i+1] = (3x[i] + x[i+1])/4.
  const n = x.shape[axis];
  const xp = padAxis(x, axis, 1, 1);
  const mid = tf.mul(sliceAxis(xp, axis, 1, n), 3);
  const even = tf.mul(tf.add(sliceAxis(xp, axis, 0, n), mid), 0.25);
  const odd = tf.mul(tf.add(mid, sliceAxis(xp, axis, 2, n)), 0.25);
  const view = splitView(x.shape, axis);
  const interleaved = tf.concat([tf.reshape(even, view), tf.reshape(odd, view)], 2);
  const shape = [...x.shape];
  shape[axis] = 2 * n;
  return tf.reshape(interleaved, shape);
}

/** NVlabs upsample2d(x, [1,3,3,1]): 2× zero-insertion upsampling + FIR, gain 4. */
export function upsample2d(x: tf.Tensor4D): tf.Tensor4D {
  let y = x as tf.Tensor;
  for (const axis of [1, 2]) y = upAxis(y, axis);
  return y as tf.Tensor4D;
}

/** Keeps every 2nd sample along spatial axis 1 or 2, starting at 0 (rank-4 reshape + slice). */
function decimateAxis(x: tf.Tensor, axis: number): tf.Tensor {
  const n = x.shape[axis];
  const even = n % 2 === 0 ? x : padAxis(x, axis, 0, 1);
  const half = Math.ceil(n / 2);
  const [outer, , , inner] = splitView(even.shape, axis);
  const pairs = tf.reshape(even, [outer, half, 2, inner]);
  const out = [...x.shape];
  out[axis] = half;
  return tf.reshape(tf.slice(pairs, [0, 0, 0, 0], [outer, half, 1, inner]), out);
}

/** NVlabs downsample2d(x, [1,3,3,1]): FIR with padding [1, 1] then keep every 2nd pixel. */
export function downsample2d(x: tf.Tensor4D): tf.Tensor4D {
  let y = x as tf.Tensor;
  for (const axis of [1, 2]) y = decimateAxis(fir1d(padAxis(y, axis, 1, 1), axis), axis);
  return y as tf.Tensor4D;
}

/** Torch [O, I, kh, kw] → tfjs conv2d filter [kh, kw, I, O]. */
export function toConvFilter(w: tf.Tensor): tf.Tensor4D {
  return tf.transpose(w, [2, 3, 1, 0]) as tf.Tensor4D;
}

/** Same-size correlation (NVlabs conv2d_resample with up = down = 1, padding k//2). */
export function conv2dSame(x: tf.Tensor4D, w: tf.Tensor): tf.Tensor4D {
  const k = w.shape[2];
  if (k === 1) return conv1x1(x, w);
  return tf.conv2d(x, toConvFilter(w), 1, 'same');
}

/** 1×1 conv as a matmul on the channel axis. */
export function conv1x1(x: tf.Tensor4D, w: tf.Tensor): tf.Tensor4D {
  const [n, h, wd, c] = x.shape;
  const o = w.shape[0];
  const flat = tf.reshape(x, [n * h * wd, c]);
  const y = tf.matMul(flat, tf.reshape(w, [o, c]), false, true);
  return tf.reshape(y, [n, h, wd, o]);
}

/** NVlabs conv2d_resample(up=2, padding=1) for a 3×3 kernel: transposed conv (stride 2) then FIR, pad 1, gain 4. */
export function conv3x3Up(x: tf.Tensor4D, w: tf.Tensor): tf.Tensor4D {
  const [n, h, wd] = x.shape;
  const o = w.shape[0];
  // conv2dTranspose filter is [kh, kw, out, in]; torch's conv_transpose2d weight is w.transpose(0, 1) with flip_weight.
  const filter = tf.transpose(w, [2, 3, 0, 1]) as tf.Tensor4D;
  const y = tf.conv2dTranspose(x, filter, [n, 2 * h + 1, 2 * wd + 1, o], 2, 'valid');
  return tf.mul(firFilter(y, 1), 4);
}

/** NVlabs conv2d_resample(down=2, padding=1) for a 3×3 kernel: FIR (pad 2) then stride-2 valid correlation. */
export function conv3x3Down(x: tf.Tensor4D, w: tf.Tensor): tf.Tensor4D {
  return tf.conv2d(firFilter(x, 2), toConvFilter(w), 2, 'valid');
}

/** NVlabs conv2d_resample(down=2) for a 1×1 kernel: downsample2d then the 1×1 conv. */
export function conv1x1Down(x: tf.Tensor4D, w: tf.Tensor): tf.Tensor4D {
  return conv1x1(downsample2d(x), w);
}

/** Nearest-neighbour upsampling by an integer factor (NVlabs upscale2d / naive_upsample_2d), rank 4 throughout. */
export function nearestUpsample(x: tf.Tensor4D, factor: number): tf.Tensor4D {
  if (factor === 1) return x;
  let y = x as tf.Tensor;
  for (const axis of [1, 2]) {
    const view = splitView(y.shape, axis);
    const copies = tf.concat(
      Array.from({ length: factor }, () => tf.reshape(y, view)),
      2,
    );
    const shape = [...y.shape];
    shape[axis] *= factor;
    y = tf.reshape(copies, shape);
  }
  return y as tf.Tensor4D;
}

/** Box-filter downsampling by an integer factor (NVlabs downscale2d / naive_downsample_2d: mean of f×f pixels). */
export function boxDownsample(x: tf.Tensor4D, factor: number): tf.Tensor4D {
  if (factor === 1) return x;
  let y = x as tf.Tensor;
  for (const axis of [1, 2]) {
    const [outer, n, , inner] = splitView(y.shape, axis);
    if (n % factor !== 0) throw new Error(`boxDownsample: side ${n} is not a multiple of ${factor}`);
    const means = tf.mean(tf.reshape(y, [outer, n / factor, factor, inner]), 2);
    const shape = [...y.shape];
    shape[axis] = n / factor;
    y = tf.reshape(means, shape);
  }
  return y as tf.Tensor4D;
}

/** StyleGAN's blur2d with the [1,2,1] filter (normalised, zero padding 1): the same-size low-pass of G_style/D_basic. */
export function blur121(x: tf.Tensor4D): tf.Tensor4D {
  let y = x as tf.Tensor;
  for (const axis of [1, 2]) {
    const n = y.shape[axis];
    const p = padAxis(y, axis, 1, 1);
    const sides = tf.add(sliceAxis(p, axis, 0, n), sliceAxis(p, axis, 2, n));
    y = tf.mul(tf.add(sides, tf.mul(sliceAxis(p, axis, 1, n), 2)), 0.25);
  }
  return y as tf.Tensor4D;
}
