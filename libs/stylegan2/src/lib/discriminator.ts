import * as tf from '@tensorflow/tfjs';
import { channelsAt, checkLod, type StyleGAN2Config } from './config';
import {
  biasCoefficient,
  Conv2dLayer,
  FullyConnectedLayer,
  type GainPlacement,
  type LayerContext,
} from './layers';
import { biasAct, blur121, boxDownsample } from './ops';
import { Mulberry32 } from '@portrait-forge/random';
import { ParamStore } from './weights';

const SQRT_HALF = Math.SQRT1_2;

/** D_basic is StyleGAN's (networks_stylegan.py): its He gains sit in the weights (see GainPlacement). */
const gainPlacementOf = (config: StyleGAN2Config): GainPlacement =>
  config.dArchitecture === 'basic' ? 'in-weight' : 'after-activation';

/** D_basic's Conv1_down: [1,2,1] blur, 3×3 conv, 2×2 box pooling, then bias and lrelu (StyleGAN networks_stylegan.py). */
class BlurPoolConv {
  private readonly conv: Conv2dLayer;
  private readonly bias: tf.Variable;

  constructor(ctx: LayerContext, name: string, inChannels: number, outChannels: number) {
    this.conv = new Conv2dLayer(ctx, name, inChannels, outChannels, 3, 'linear', false, false);
    this.bias = ctx.store.add(`${name}.bias`, tf.zeros([outChannels]));
  }

  apply(x: tf.Tensor4D): tf.Tensor4D {
    const bias = tf.mul(this.bias, biasCoefficient('lrelu', 'in-weight'));
    return biasAct(boxDownsample(this.conv.apply(blur121(x)), 2), bias, 'lrelu') as tf.Tensor4D;
  }
}

/**
 * One resolution of D (NVlabs DiscriminatorBlock): fromRGB, conv 3×3, conv 3×3 ↓2, and for 'resnet' a 1×1 ↓2
 * skip. With progressive growing every block has a fromRGB (D_stylegan / D_basic), else only the first.
 */
class DiscriminatorBlock {
  private readonly fromrgb: Conv2dLayer | null;
  private readonly conv0: Conv2dLayer;
  private readonly conv1: Conv2dLayer | BlurPoolConv;
  private readonly skip: Conv2dLayer | null;

  constructor(ctx: LayerContext, config: StyleGAN2Config, res: number, hasFromRgb: boolean) {
    const name = `b${res}`;
    const tmp = channelsAt(config, res);
    const out = channelsAt(config, res / 2);
    const placement = gainPlacementOf(config);
    this.fromrgb = hasFromRgb
      ? new Conv2dLayer(ctx, `${name}.fromrgb`, config.channels, tmp, 1, 'lrelu', false, true, placement)
      : null;
    this.conv0 = new Conv2dLayer(ctx, `${name}.conv0`, tmp, tmp, 3, 'lrelu', false, true, placement);
    this.conv1 =
      config.dArchitecture === 'basic'
        ? new BlurPoolConv(ctx, `${name}.conv1`, tmp, out)
        : new Conv2dLayer(ctx, `${name}.conv1`, tmp, out, 3, 'lrelu', true);
    this.skip =
      config.dArchitecture === 'resnet'
        ? new Conv2dLayer(ctx, `${name}.skip`, tmp, out, 1, 'linear', true, false)
        : null;
  }

  fromRgb(img: tf.Tensor4D): tf.Tensor4D {
    if (!this.fromrgb) throw new Error('DiscriminatorBlock: no fromRGB at this resolution');
    return this.fromrgb.apply(img);
  }

  apply(h: tf.Tensor4D): tf.Tensor4D {
    if (this.skip) {
      const y = this.skip.apply(h, SQRT_HALF);
      const r = this.conv1.apply(this.conv0.apply(h), SQRT_HALF);
      return tf.add(y, r) as tf.Tensor4D;
    }
    return this.conv1.apply(this.conv0.apply(h));
  }
}

/**
 * Minibatch standard deviation (NVlabs MinibatchStdLayer, 1 feature): per group of G samples
 * (sample i belongs to group i mod N/G), mean std over channels and pixels, appended as a channel.
 */
export function minibatchStd(x: tf.Tensor4D, groupSize: number, numFeatures = 1): tf.Tensor4D {
  const [n, h, w, c] = x.shape;
  const g = Math.min(groupSize, n);
  if (n % g !== 0) {
    throw new Error(
      `minibatch std: batch ${n} is not a multiple of the group size ${g}; use a batch divisible by ${g}.`,
    );
  }
  const f = numFeatures;
  const y = tf.reshape(x, [g, n / g, h, w, f, c / f]);
  const centred = tf.sub(y, tf.mean(y, 0));
  const std = tf.sqrt(tf.add(tf.mean(tf.square(centred), 0), 1e-8)); // [n/G, H, W, F, c]
  const perGroup = tf.mean(std, [1, 2, 4]); // [n/G, F]
  // Broadcast instead of tile: tfjs has no rank-5 tile gradient.
  const tiled = tf.add(tf.zeros([g, n / g, h, w, f]), tf.reshape(perGroup, [1, n / g, 1, 1, f]));
  return tf.concat([x, tf.reshape(tiled, [n, h, w, f])], 3) as tf.Tensor4D;
}

/** 4×4 epilogue: mbstd, conv, FC, output FC (NVlabs DiscriminatorEpilogue without conditioning). */
class DiscriminatorEpilogue {
  private readonly conv: Conv2dLayer;
  private readonly fc: FullyConnectedLayer;
  private readonly out: FullyConnectedLayer;

  constructor(
    ctx: LayerContext,
    private readonly config: StyleGAN2Config,
    private readonly channels: number,
  ) {
    const placement = gainPlacementOf(config);
    this.conv = new Conv2dLayer(ctx, 'b4.conv', channels + 1, channels, 3, 'lrelu', false, true, placement);
    this.fc = new FullyConnectedLayer(ctx, 'b4.fc', channels * 16, channels, 'lrelu', 1, 0, placement);
    this.out = new FullyConnectedLayer(ctx, 'b4.out', channels, 1, 'linear');
  }

  apply(x: tf.Tensor4D): tf.Tensor2D {
    const h = this.conv.apply(minibatchStd(x, this.config.mbstdGroupSize));
    // Flatten in NCHW order so the FC weight layout matches NVlabs'.
    const flat = tf.reshape(tf.transpose(h, [0, 3, 1, 2]), [h.shape[0], this.channels * 16]) as tf.Tensor2D;
    return this.out.apply(this.fc.apply(flat));
  }
}

/** Discriminator ('basic', 'orig' or 'resnet' blocks, config.dArchitecture): images [N, res, res, channels] → logits [N, 1]. */
export class Discriminator {
  readonly store = new ParamStore('');
  private readonly blocks: DiscriminatorBlock[] = [];
  private readonly epilogue: DiscriminatorEpilogue;
  private lodValue = 0;

  constructor(
    readonly config: StyleGAN2Config,
    seed: number,
  ) {
    const ctx: LayerContext = { store: this.store, rng: new Mulberry32(seed) };
    const everyFromRgb = config.progressive !== null;
    for (let res = config.resolution; res > 4; res /= 2) {
      this.blocks.push(new DiscriminatorBlock(ctx, config, res, everyFromRgb || res === config.resolution));
    }
    this.epilogue = new DiscriminatorEpilogue(ctx, config, channelsAt(config, 4));
  }

  apply(img: tf.Tensor4D): tf.Tensor2D {
    const { resolution, channels } = this.config;
    const [, h, w, c] = img.shape;
    if (h !== resolution || w !== resolution || c !== channels) {
      throw new Error(
        `discriminator: images are ${h}×${w}×${c} but the config expects ${resolution}×${resolution}×${channels} (NHWC).`,
      );
    }
    const first = Math.floor(this.lodValue);
    const alpha = this.lodValue - first;
    let x = this.blocks[first].fromRgb(boxDownsample(img, 2 ** first));
    for (const [i, block] of this.blocks.entries()) {
      if (i < first) continue;
      x = block.apply(x);
      if (i === first && alpha > 0) {
        // NVlabs D_stylegan Grow_lod: lerp toward the next level's fromRGB of the 2× box-downsampled image.
        const coarse = this.blocks[i + 1].fromRgb(boxDownsample(img, 2 ** (i + 1)));
        x = tf.add(x, tf.mul(tf.sub(coarse, x), alpha)) as tf.Tensor4D;
      }
    }
    return this.epilogue.apply(x);
  }

  /**
   * D of two batches of the same size n in one pass — the logits of `apply(a)` and of `apply(b)`, to
   * float rounding: b's samples are interleaved so that every minibatch-std group holds the same
   * samples as in its own pass (sample k of n is in group k mod n/G, see minibatchStd). One pass of 2n
   * makes half the kernel calls and longer GEMMs than two of n (small 32², Dmain: 7 dW calls instead of 14).
   * Batches it cannot pair (other sizes, n below the group size) run as two passes.
   */
  applyPair(a: tf.Tensor4D, b: tf.Tensor4D): [tf.Tensor2D, tf.Tensor2D] {
    const n = a.shape[0];
    const g = this.config.mbstdGroupSize;
    if (b.shape[0] !== n || n < g || n % g !== 0) return [this.apply(a), this.apply(b)];
    const q = n / g;
    const grouped = (x: tf.Tensor) => tf.reshape(x, [g, q, ...x.shape.slice(1)]);
    const both = tf.reshape(tf.concat([grouped(a), grouped(b)], 1), [2 * n, ...a.shape.slice(1)]);
    const logits = tf.reshape(this.apply(both as tf.Tensor4D), [g, 2 * q, 1]);
    const [la, lb] = tf.split(logits, 2, 1);
    return [tf.reshape(la, [n, 1]), tf.reshape(lb, [n, 1])];
  }

  /** Level of detail of progressive growing; the input stays full size (NVlabs feeds upscaled images). */
  get lod(): number {
    return this.lodValue;
  }

  set lod(value: number) {
    this.lodValue = checkLod(this.config, value);
  }

  dispose(): void {
    this.store.dispose();
  }
}
