import * as tf from '@tensorflow/tfjs';
import { type Activation, biasAct, conv1x1Down, conv2dSame, conv3x3Down, conv3x3Up, SQRT2 } from './ops';
import { normalArray, type Mulberry32 } from '@portrait-forge/random';
import type { ParamStore } from './weights';

/** Everything a layer needs to create its parameters. */
export interface LayerContext {
  store: ParamStore;
  rng: Mulberry32;
}

/** Seeded N(0, 1) initial values, identical on every backend. */
export function randn(rng: Mulberry32, shape: number[]): tf.Tensor {
  return tf.tensor(
    normalArray(
      rng,
      shape.reduce((a, b) => a * b, 1),
    ),
    shape,
    'float32',
  );
}

/**
 * Where a layer's He gain √2 sits. SG2 (and SG2-ADA) apply it after the activation, √2·lrelu(Wx + b);
 * StyleGAN's networks_stylegan.py (G_mapping, D_basic: config a) put it in the weight, lrelu(√2·Wx + b).
 * lrelu is positively homogeneous, so 'in-weight' is the same function with the bias scaled by 1/√2 at
 * runtime, which keeps the stored bias and its Adam steps those of NVlabs' parameter.
 */
export type GainPlacement = 'after-activation' | 'in-weight';

/** Runtime coefficient of a bias that feeds an lrelu with gain √2 (1 when the gain follows the activation). */
export function biasCoefficient(activation: Activation, placement: GainPlacement): number {
  return activation === 'lrelu' && placement === 'in-weight' ? Math.SQRT1_2 : 1;
}

/** Equalised-LR fully connected layer (NVlabs FullyConnectedLayer). */
export class FullyConnectedLayer {
  private readonly weight: tf.Variable;
  private readonly bias: tf.Variable;
  private readonly weightGain: number;
  private readonly biasGain: number;

  constructor(
    ctx: LayerContext,
    name: string,
    inFeatures: number,
    outFeatures: number,
    private readonly activation: Activation = 'linear',
    lrMultiplier = 1,
    biasInit = 0,
    gainPlacement: GainPlacement = 'after-activation',
  ) {
    this.weight = ctx.store.add(
      `${name}.weight`,
      tf.div(randn(ctx.rng, [outFeatures, inFeatures]), lrMultiplier),
    );
    this.bias = ctx.store.add(`${name}.bias`, tf.fill([outFeatures], biasInit));
    this.weightGain = lrMultiplier / Math.sqrt(inFeatures);
    this.biasGain = lrMultiplier * biasCoefficient(activation, gainPlacement);
  }

  apply(x: tf.Tensor2D): tf.Tensor2D {
    const y = tf.matMul(x, tf.mul(this.weight, this.weightGain), false, true);
    const b = this.biasGain === 1 ? this.bias : tf.mul(this.bias, this.biasGain);
    return biasAct(y, b, this.activation) as tf.Tensor2D;
  }
}

export type Resample = 'none' | 'up' | 'down';

/** Equalised-LR conv with optional FIR down-sampling (NVlabs Conv2dLayer, used by D). */
export class Conv2dLayer {
  private readonly weight: tf.Variable;
  private readonly bias: tf.Variable | null;
  private readonly weightGain: number;
  private readonly biasGain: number;

  constructor(
    ctx: LayerContext,
    name: string,
    inChannels: number,
    outChannels: number,
    private readonly kernel: 1 | 3,
    private readonly activation: Activation,
    private readonly down: boolean,
    withBias = true,
    gainPlacement: GainPlacement = 'after-activation',
  ) {
    this.weight = ctx.store.add(`${name}.weight`, randn(ctx.rng, [outChannels, inChannels, kernel, kernel]));
    this.bias = withBias ? ctx.store.add(`${name}.bias`, tf.zeros([outChannels])) : null;
    this.weightGain = 1 / Math.sqrt(inChannels * kernel * kernel);
    this.biasGain = biasCoefficient(activation, gainPlacement);
  }

  apply(x: tf.Tensor4D, gain = 1): tf.Tensor4D {
    const w = tf.mul(this.weight, this.weightGain);
    let y: tf.Tensor4D;
    if (!this.down) y = conv2dSame(x, w);
    else y = this.kernel === 3 ? conv3x3Down(x, w) : conv1x1Down(x, w);
    const b = this.bias && this.biasGain !== 1 ? tf.mul(this.bias, this.biasGain) : this.bias;
    return biasAct(y, b, this.activation, gain) as tf.Tensor4D;
  }
}

/**
 * Modulated conv in the "modulate activations" form (NVlabs modulated_conv2d with fused_modconv=False):
 * x·s → conv → ·d + noise, with d = 1/√(Σ_i,k (w·s)² + 1e-8). Equivalent to modulating and demodulating the weights.
 */
export function modulatedConv2d(
  x: tf.Tensor4D,
  weight: tf.Tensor,
  styles: tf.Tensor2D,
  options: { demodulate: boolean; up: boolean; noise?: tf.Tensor | null },
): tf.Tensor4D {
  const [n, , , inChannels] = x.shape;
  const modulated = tf.mul(x, tf.reshape(styles, [n, 1, 1, inChannels])) as tf.Tensor4D;
  let y = options.up ? conv3x3Up(modulated, weight) : conv2dSame(modulated, weight);
  if (options.demodulate) {
    const weightEnergy = tf.sum(tf.square(weight), [2, 3]); // [O, I]
    const dcoefs = tf.rsqrt(tf.add(tf.matMul(tf.square(styles), weightEnergy, false, true), 1e-8)); // [N, O]
    y = tf.mul(y, tf.reshape(dcoefs, [n, 1, 1, weight.shape[0]]));
  }
  if (options.noise) y = tf.add(y, options.noise);
  return y;
}

export type NoiseMode = 'random' | 'const' | 'none';

/** Modulated 3×3 conv + noise + bias + lrelu·√2 (NVlabs SynthesisLayer). */
export class SynthesisLayer {
  private readonly affine: FullyConnectedLayer;
  private readonly weight: tf.Variable;
  private readonly bias: tf.Variable;
  private readonly noiseConst: tf.Variable;
  private readonly noiseStrength: tf.Variable;

  constructor(
    ctx: LayerContext,
    name: string,
    inChannels: number,
    outChannels: number,
    wDim: number,
    private readonly resolution: number,
    private readonly up: boolean,
    private readonly demodulate: boolean,
  ) {
    this.affine = new FullyConnectedLayer(ctx, `${name}.affine`, wDim, inChannels, 'linear', 1, 1);
    this.weight = ctx.store.add(`${name}.weight`, randn(ctx.rng, [outChannels, inChannels, 3, 3]));
    this.noiseConst = ctx.store.add(`${name}.noise_const`, randn(ctx.rng, [resolution, resolution]), false);
    this.noiseStrength = ctx.store.add(`${name}.noise_strength`, tf.zeros([]));
    this.bias = ctx.store.add(`${name}.bias`, tf.zeros([outChannels]));
  }

  apply(x: tf.Tensor4D, w: tf.Tensor2D, noiseMode: NoiseMode, rng: Mulberry32, gain = 1): tf.Tensor4D {
    const styles = this.affine.apply(w);
    const r = this.resolution;
    let noise: tf.Tensor | null = null;
    if (noiseMode === 'random') {
      noise = tf.mul(
        tf.randomNormal([x.shape[0], r, r, 1], 0, 1, 'float32', rng.tfSeed()),
        this.noiseStrength,
      );
    } else if (noiseMode === 'const') {
      noise = tf.mul(tf.reshape(this.noiseConst, [1, r, r, 1]), this.noiseStrength);
    }
    const y = modulatedConv2d(x, this.weight, styles, { demodulate: this.demodulate, up: this.up, noise });
    return biasAct(y, this.bias, 'lrelu', gain) as tf.Tensor4D;
  }
}

/** Modulated 1×1 conv to image channels, no demodulation (NVlabs ToRGBLayer). */
export class ToRGBLayer {
  private readonly affine: FullyConnectedLayer;
  private readonly weight: tf.Variable;
  private readonly bias: tf.Variable;
  private readonly weightGain: number;

  constructor(ctx: LayerContext, name: string, inChannels: number, imgChannels: number, wDim: number) {
    this.affine = new FullyConnectedLayer(ctx, `${name}.affine`, wDim, inChannels, 'linear', 1, 1);
    this.weight = ctx.store.add(`${name}.weight`, randn(ctx.rng, [imgChannels, inChannels, 1, 1]));
    this.bias = ctx.store.add(`${name}.bias`, tf.zeros([imgChannels]));
    this.weightGain = 1 / Math.sqrt(inChannels);
  }

  apply(x: tf.Tensor4D, w: tf.Tensor2D): tf.Tensor4D {
    const styles = tf.mul(this.affine.apply(w), this.weightGain) as tf.Tensor2D;
    const y = modulatedConv2d(x, this.weight, styles, { demodulate: false, up: false });
    return biasAct(y, this.bias, 'linear') as tf.Tensor4D;
  }
}

export { SQRT2 };

/** One resolution of a synthesis network: its layers, and its toRGB (when it has one). */
export interface SynthesisStage {
  readonly resolution: number;
  /** ws its layers consume, and ws its toRGB consumes (0 or 1) right after them. */
  readonly numConv: number;
  readonly numToRgb: number;
  readonly hasToRgb: boolean;
  /** x from the previous stage (null for 4×4) → features at this resolution. */
  features(x: tf.Tensor4D | null, ws: tf.Tensor2D[], noiseMode: NoiseMode, rng: Mulberry32): tf.Tensor4D;
  /** Features → image at this resolution; `ws` are the stage's ws (toRGB's is `ws[numConv]`). */
  toRgb(h: tf.Tensor4D, ws: tf.Tensor2D[]): tf.Tensor4D;
}
