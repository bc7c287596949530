import * as tf from '@tensorflow/tfjs';
import type { Mulberry32 } from '@portrait-forge/random';
import {
  Conv2dLayer,
  FullyConnectedLayer,
  type LayerContext,
  type NoiseMode,
  randn,
  type SynthesisStage,
} from './layers';
import { blur121, lrelu, nearestUpsample, SQRT2 } from './ops';

/**
 * The original StyleGAN synthesis (NVlabs stylegan2 training/networks_stylegan.py G_synthesis, used by
 * G_style for SG2 config a): AdaIN after every layer, no weight (de)modulation. Differences, on purpose:
 * the 2× up-conv is always nearest-upsample → conv → blur (NVlabs fuses it into a transposed conv from
 * 128 px on). The convs carry NVlabs' He gain √2 in the weight, before noise and bias are added: with the
 * gain after the activation instead, noise and bias would weigh √2× more against the conv than in NVlabs.
 */

/** Instance norm over H, W (NVlabs instance_norm, ε 1e-8). */
export function instanceNorm(x: tf.Tensor4D): tf.Tensor4D {
  const centred = tf.sub(x, tf.mean(x, [1, 2], true));
  return tf.mul(centred, tf.rsqrt(tf.add(tf.mean(tf.square(centred), [1, 2], true), 1e-8))) as tf.Tensor4D;
}

/** layer_epilogue: per-channel noise, bias, lrelu, instance norm, style modulation x·(s₀ + 1) + s₁ (AdaIN). */
class AdaINEpilogue {
  private readonly noiseWeight: tf.Variable;
  private readonly noiseConst: tf.Variable;
  private readonly bias: tf.Variable;
  private readonly style: FullyConnectedLayer;

  constructor(
    ctx: LayerContext,
    name: string,
    private readonly channels: number,
    wDim: number,
    private readonly resolution: number,
  ) {
    this.noiseConst = ctx.store.add(`${name}.noise_const`, randn(ctx.rng, [resolution, resolution]), false);
    this.noiseWeight = ctx.store.add(`${name}.noise_strength`, tf.zeros([channels]));
    this.bias = ctx.store.add(`${name}.bias`, tf.zeros([channels]));
    this.style = new FullyConnectedLayer(ctx, `${name}.style`, wDim, 2 * channels);
  }

  apply(x: tf.Tensor4D, w: tf.Tensor2D, noiseMode: NoiseMode, rng: Mulberry32): tf.Tensor4D {
    const [n] = x.shape;
    const r = this.resolution;
    let y: tf.Tensor = x;
    if (noiseMode !== 'none') {
      const noise =
        noiseMode === 'random'
          ? tf.randomNormal([n, r, r, 1], 0, 1, 'float32', rng.tfSeed())
          : tf.reshape(this.noiseConst, [1, r, r, 1]);
      y = tf.add(y, tf.mul(noise, this.noiseWeight));
    }
    y = instanceNorm(lrelu(tf.add(y, this.bias)) as tf.Tensor4D);
    const s = tf.reshape(this.style.apply(w), [n, 2, this.channels]);
    const scale = tf.reshape(tf.slice(s, [0, 0, 0], [n, 1, this.channels]), [n, 1, 1, this.channels]);
    const shift = tf.reshape(tf.slice(s, [0, 1, 0], [n, 1, this.channels]), [n, 1, 1, this.channels]);
    return tf.add(tf.mul(y, tf.add(scale, 1)), shift) as tf.Tensor4D;
  }
}

/** One resolution of G_style: (const | dense of w | up-conv) → AdaIN, conv → AdaIN; a plain 1×1 toRGB. */
export class StyleSynthesisBlock implements SynthesisStage {
  private readonly constInput: tf.Variable | null = null;
  private readonly dense: FullyConnectedLayer | null = null;
  private readonly conv0: Conv2dLayer | null = null;
  private readonly epilogue0: AdaINEpilogue;
  private readonly conv1: Conv2dLayer;
  private readonly epilogue1: AdaINEpilogue;
  private readonly torgb: Conv2dLayer | null;
  readonly numConv = 2;
  readonly numToRgb = 0;

  constructor(
    ctx: LayerContext,
    options: { wDim: number; imgChannels: number; noConst: boolean; hasToRgb: boolean },
    readonly resolution: number,
    private readonly inChannels: number,
    private readonly outChannels: number,
  ) {
    const name = `synthesis.b${resolution}`;
    const { wDim } = options;
    if (inChannels === 0 && options.noConst) {
      this.dense = new FullyConnectedLayer(ctx, `${name}.dense`, wDim, outChannels * resolution * resolution);
    } else if (inChannels === 0) {
      // G_synthesis: const initialised to ones.
      this.constInput = ctx.store.add(`${name}.const`, tf.ones([outChannels, resolution, resolution]));
    } else {
      this.conv0 = new Conv2dLayer(ctx, `${name}.conv0`, inChannels, outChannels, 3, 'linear', false, false);
    }
    this.epilogue0 = new AdaINEpilogue(ctx, `${name}.epilogue0`, outChannels, wDim, resolution);
    this.conv1 = new Conv2dLayer(ctx, `${name}.conv1`, outChannels, outChannels, 3, 'linear', false, false);
    this.epilogue1 = new AdaINEpilogue(ctx, `${name}.epilogue1`, outChannels, wDim, resolution);
    this.torgb = options.hasToRgb
      ? new Conv2dLayer(ctx, `${name}.torgb`, outChannels, options.imgChannels, 1, 'linear', false)
      : null;
  }

  get hasToRgb(): boolean {
    return this.torgb !== null;
  }

  features(x: tf.Tensor4D | null, ws: tf.Tensor2D[], noiseMode: NoiseMode, rng: Mulberry32): tf.Tensor4D {
    const n = ws[0].shape[0];
    const r = this.resolution;
    let h: tf.Tensor4D;
    if (this.dense) {
      // G_synthesis const_input_layer=False: dense of w[0], gain √2/4 ("to match Progressive GAN").
      const flat = tf.mul(this.dense.apply(ws[0]), Math.SQRT2 / 4);
      h = tf.transpose(tf.reshape(flat, [n, this.outChannels, r, r]), [0, 2, 3, 1]) as tf.Tensor4D;
    } else if (this.constInput) {
      const c = tf.transpose(this.constInput, [1, 2, 0]);
      h = tf.tile(tf.expandDims(c, 0), [n, 1, 1, 1]) as tf.Tensor4D;
    } else {
      if (!x || !this.conv0) throw new Error(`G_style b${r}: missing input of ${this.inChannels} channels`);
      h = blur121(this.conv0.apply(nearestUpsample(x, 2), SQRT2));
    }
    h = this.epilogue0.apply(h, ws[0], noiseMode, rng);
    return this.epilogue1.apply(this.conv1.apply(h, SQRT2), ws[1], noiseMode, rng);
  }

  toRgb(h: tf.Tensor4D): tf.Tensor4D {
    if (!this.torgb) throw new Error(`G_style b${this.resolution} has no toRGB`);
    return this.torgb.apply(h);
  }
}
