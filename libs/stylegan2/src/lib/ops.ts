import * as tf from '@tensorflow/tfjs';

/**
 * Low-level ops in NHWC. The [1,3,3,1] FIR resampling matches NVlabs' upfirdn2d (filter normalised to sum 1, gain
 * up² when upsampling, zero boundaries): one 4-tap depthwise conv per axis, each with a custom gradient that is its
 * adjoint written with the same ops, so gradients exist to any order on every backend.
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

/**
 * gain · leaky ReLU as x · slope, slope = gain · step(x, 0.2) (1 for x > 0, else 0.2). Its gradient is one multiply,
 * dy · slope: linear in dy, so second order flows (slope is piecewise constant in x). Forward on [8, 64, 64, 32]
 * measured 0.5 ms against 1.1 for 0.2x + 0.8·relu(x) and 4.4 for wasm's LeakyRelu (whose gradient needs Greater).
 */
export function lrelu(x: tf.Tensor, gain = 1): tf.Tensor {
  activationProbe?.(x);
  const op = tf.customGrad((...inputs: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const input = inputs[0] as tf.Tensor;
    const step = tf.step(input, LRELU_ALPHA);
    const slope = gain === 1 ? step : tf.mul(step, gain);
    (inputs[1] as tf.GradSaveFunc)([slope]);
    return {
      value: tf.mul(input, slope),
      gradFunc: (dy: tf.Tensor, [saved]: tf.Tensor[]) => tf.mul(dy, saved),
    };
  });
  return op(x);
}

export type Activation = 'linear' | 'lrelu';

/** NVlabs' bias_act: x + b (on the channel axis), activation, then × gain (√2 for lrelu). */
export function biasAct(x: tf.Tensor, bias: tf.Tensor | null, activation: Activation, gain = 1): tf.Tensor {
  let y = bias ? tf.add(x, bias) : x;
  if (activation === 'lrelu') y = lrelu(y, SQRT2 * gain);
  else if (gain !== 1) y = tf.mul(y, gain);
  return y;
}

type SpatialAxis = 1 | 2;
/** Zero padding [before, after] along one axis. */
type Pads = [number, number];

/** A symmetric FIR filter normalised to sum 1; `reach` = taps − 1. */
interface Fir {
  name: string;
  taps: number[];
  reach: number;
}

/** One 1-D FIR pass: filter `f` along `axis` of x zero-padded by `pads`, every `stride`-th output, taps · gain. */
interface FirPass {
  f: Fir;
  axis: SpatialAxis;
  pads: Pads;
  stride: 1 | 2;
  gain: number;
}

function fir(taps: number[]): Fir {
  const sum = taps.reduce((a, b) => a + b, 0);
  return { name: taps.join(','), taps: taps.map((t) => t / sum), reach: taps.length - 1 };
}

/** SG2's resampling filter and StyleGAN's blur2d filter. */
const FIR_1331 = fir([1, 3, 3, 1]);
const FIR_121 = fir([1, 2, 1]);
const firTapCache = new Map<string, tf.Tensor4D>();

/**
 * The taps · gain as a k×1 or 1×k depthwise filter for `channels` channels, kept across calls so that XNNPACK packs
 * each filter once. One axis at a time: wasm's 4×4 depthwise conv measured ~10× slower than 4×1 + 1×4.
 */
function firTaps(f: Fir, axis: SpatialAxis, channels: number, gain: number): tf.Tensor4D {
  const key = `${f.name}:${axis}:${channels}:${gain}`;
  let taps = firTapCache.get(key);
  if (!taps || taps.isDisposed) {
    const values = f.taps.flatMap((t) => new Array<number>(channels).fill(t * gain));
    const k = f.taps.length;
    const shape: [number, number, number, number] = axis === 1 ? [k, 1, channels, 1] : [1, k, channels, 1];
    taps = tf.keep(tf.tensor4d(values, shape));
    firTapCache.set(key, taps);
  }
  return taps;
}

/** Length after zero-padding by `pads`, the valid correlation, and keeping every `stride`-th sample. */
function firLength(f: Fir, n: number, [before, after]: Pads, stride: number): number {
  return Math.floor((n + before + after - f.reach - 1) / stride) + 1;
}

function checkPads(pads: Pads, max: number): void {
  if (pads.some((p) => p < 0 || p > max)) throw new Error(`FIR padding [${pads}] outside 0…${max}`);
}

/** One FIR pass as one depthwise conv. */
function firConv(x: tf.Tensor4D, { f, axis, pads, stride, gain }: FirPass): tf.Tensor4D {
  const none: Pads = [0, 0];
  const padding: tf.backend_util.ExplicitPadding = [
    none,
    axis === 1 ? pads : none,
    axis === 2 ? pads : none,
    none,
  ];
  const strides: [number, number] = axis === 1 ? [stride, 1] : [1, stride];
  return tf.depthwiseConv2d(x, firTaps(f, axis, x.shape[3], gain), strides, padding);
}

/** A linear op with the given adjoint as its gradient (tf.customGrad); the adjoint's own gradient is up to it. */
function linearOp(
  x: tf.Tensor4D,
  forward: (x: tf.Tensor4D) => tf.Tensor4D,
  adjoint: (dy: tf.Tensor4D) => tf.Tensor4D,
): tf.Tensor4D {
  const op = tf.customGrad((...inputs: (tf.Tensor | tf.GradSaveFunc)[]) => ({
    value: forward(inputs[0] as tf.Tensor4D),
    gradFunc: (dy: tf.Tensor) => adjoint(dy as tf.Tensor4D),
  }));
  return op(x) as tf.Tensor4D;
}

/**
 * upfirdn1d(x, f, down=stride, padding=pads) along `axis` as one depthwise conv. Its gradient is its adjoint, again
 * one such op (the filter is symmetric): for stride 1 the FIR with padding reach − pads, for stride 2 `upFirAxis` —
 * so gradients exist to any order.
 */
function firAxis(x: tf.Tensor4D, pass: FirPass): tf.Tensor4D {
  const { f, axis, pads, stride } = pass;
  checkPads(pads, stride === 1 ? f.reach : f.reach - 1);
  const n = x.shape[axis];
  const back: Pads = [f.reach - pads[0], f.reach - pads[1]];
  return linearOp(
    x,
    (input) => firConv(input, pass),
    (dy) =>
      stride === 1
        ? firAxis(dy, { ...pass, pads: back })
        : upFirAxis(dy, { ...pass, pads: [back[0], n - 2 * firLength(f, n, pads, stride) + pads[0]] }),
  );
}

/**
 * View of an NHWC tensor as 4-D [outer, n, 1, inner] around spatial axis 1 or 2, so that interleaving
 * stays in rank 4 (tfjs-wasm handles rank > 4 element by element).
 */
function splitView(shape: number[], axis: number): [number, number, number, number] {
  const [b, h, w, c] = shape;
  return axis === 1 ? [b, h, 1, w * c] : [b * h, w, 1, c];
}

/** z[2i] = x[i], z[2i + 1] = 0 along `axis` (one rank-4 pad). */
function zeroStuff(x: tf.Tensor4D, axis: SpatialAxis): tf.Tensor4D {
  const pairs = tf.pad(tf.reshape(x, splitView(x.shape, axis)), [
    [0, 0],
    [0, 0],
    [0, 1],
    [0, 0],
  ]);
  const shape = [...x.shape] as [number, number, number, number];
  shape[axis] *= 2;
  return tf.reshape(pairs, shape);
}

/**
 * upfirdn1d(x, f, up=2, padding=pads) along `axis`: zero-stuffing then one depthwise conv. Its adjoint is the FIR
 * with padding reach − pads and stride 2 (`firAxis`).
 */
function upFirAxis(x: tf.Tensor4D, pass: Omit<FirPass, 'stride'>): tf.Tensor4D {
  const { f, axis, pads } = pass;
  checkPads(pads, f.reach);
  return linearOp(
    x,
    (input) => firConv(zeroStuff(input, axis), { ...pass, stride: 1 }),
    (dy) => firAxis(dy, { ...pass, pads: [f.reach - pads[0], f.reach - pads[1]], stride: 2 }),
  );
}

/**
 * upfirdn2d(x, f, padding=pad) without resampling, times axisGain²: a depthwise conv per axis (output side =
 * side + 2·pad − 3, pad ≤ 3).
 */
export function firFilter(x: tf.Tensor4D, pad: number, axisGain = 1): tf.Tensor4D {
  const pass = { f: FIR_1331, pads: [pad, pad] as Pads, stride: 1, gain: axisGain } as const;
  return firAxis(firAxis(x, { ...pass, axis: 1 }), { ...pass, axis: 2 });
}

/** NVlabs upsample2d(x, [1,3,3,1]): upfirdn2d with up=2, padding [2, 1] and gain 4, per axis. */
export function upsample2d(x: tf.Tensor4D): tf.Tensor4D {
  const pass = { f: FIR_1331, pads: [2, 1] as Pads, gain: 2 };
  return upFirAxis(upFirAxis(x, { ...pass, axis: 1 }), { ...pass, axis: 2 });
}

/** NVlabs downsample2d(x, [1,3,3,1]): FIR with padding [1, 1] keeping every 2nd pixel, one stride-2 conv per axis. */
export function downsample2d(x: tf.Tensor4D): tf.Tensor4D {
  const pass = { f: FIR_1331, pads: [1, 1] as Pads, stride: 2, gain: 1 } as const;
  return firAxis(firAxis(x, { ...pass, axis: 1 }), { ...pass, axis: 2 });
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
  return firFilter(y, 1, 2);
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

/**
 * StyleGAN's blur2d with the [1,2,1] filter (normalised, zero padding 1): the same-size low-pass of G_style/D_basic,
 * a 3-tap depthwise conv per axis (its own adjoint).
 */
export function blur121(x: tf.Tensor4D): tf.Tensor4D {
  const pass = { f: FIR_121, pads: [1, 1] as Pads, stride: 1, gain: 1 } as const;
  return firAxis(firAxis(x, { ...pass, axis: 1 }), { ...pass, axis: 2 });
}
