import * as tf from '@tensorflow/tfjs';
import { channelsAt, type StyleGAN2Config } from './config';
import {
  FullyConnectedLayer,
  type LayerContext,
  type NoiseMode,
  randn,
  SynthesisLayer,
  ToRGBLayer,
} from './layers';
import { upsample2d } from './ops';
import { Mulberry32 } from '@portrait-forge/random';
import { ParamStore } from './weights';

/** x / √(mean(x²) + 1e-8) over the feature axis. */
export function normalize2ndMoment(x: tf.Tensor2D): tf.Tensor2D {
  return tf.mul(x, tf.rsqrt(tf.add(tf.mean(tf.square(x), 1, true), 1e-8)));
}

export interface MappingOptions {
  /** Truncation ψ toward w_avg (1 = none). */
  truncationPsi?: number;
  /** Truncate only the first `cutoff` ws (coarse layers); default all. */
  truncationCutoff?: number;
  /** Track w_avg with this batch (training only). */
  updateWAvg?: boolean;
}

/** z → w: normalise, 8 (or 2) equalised-LR FC layers with lr multiplier 0.01, w_avg tracking, truncation. */
export class MappingNetwork {
  private readonly layers: FullyConnectedLayer[] = [];
  readonly wAvg: tf.Variable;

  constructor(
    ctx: LayerContext,
    private readonly config: StyleGAN2Config,
    private readonly numWs: number,
  ) {
    const { zDim, wDim, mappingLayers, mappingLrMultiplier } = config;
    for (let i = 0; i < mappingLayers; i++) {
      const inFeatures = i === 0 ? zDim : wDim;
      this.layers.push(
        new FullyConnectedLayer(ctx, `mapping.fc${i}`, inFeatures, wDim, 'lrelu', mappingLrMultiplier),
      );
    }
    this.wAvg = ctx.store.add('mapping.w_avg', tf.zeros([wDim]), false);
  }

  /** [N, zDim] → ws [N, numWs, wDim]. */
  apply(z: tf.Tensor2D, options: MappingOptions = {}): tf.Tensor3D {
    let x = normalize2ndMoment(z);
    for (const layer of this.layers) x = layer.apply(x);
    if (options.updateWAvg) this.trackAverage(x);
    const n = z.shape[0];
    let ws = tf.tile(tf.reshape(x, [n, 1, this.config.wDim]), [1, this.numWs, 1]) as tf.Tensor3D;
    const psi = options.truncationPsi ?? 1;
    if (psi !== 1) ws = truncate(ws, this.wAvg, psi, options.truncationCutoff ?? this.numWs);
    return ws;
  }

  private trackAverage(w: tf.Tensor2D): void {
    const beta = this.config.wAvgBeta;
    const next = tf.tidy(() => {
      const mean = tf.mean(w, 0); // assign() never carries gradients
      return tf.add(mean, tf.mul(tf.sub(this.wAvg, mean), beta));
    });
    this.wAvg.assign(next);
    next.dispose();
  }
}

/** ws[:, :cutoff] ← w_avg + ψ·(ws − w_avg). */
export function truncate(ws: tf.Tensor3D, wAvg: tf.Tensor, psi: number, cutoff: number): tf.Tensor3D {
  const [n, numWs, wDim] = ws.shape;
  const k = Math.max(0, Math.min(cutoff, numWs));
  const lerped = tf.add(wAvg, tf.mul(tf.sub(ws, wAvg), psi)) as tf.Tensor3D;
  if (k === numWs) return lerped;
  const mask = tf.reshape(tf.concat([tf.ones([k]), tf.zeros([numWs - k])]), [1, numWs, 1]);
  return tf.add(tf.mul(lerped, mask), tf.mul(ws, tf.sub(1, mask))) as tf.Tensor3D;
}

/** One resolution of the synthesis network (NVlabs SynthesisBlock, 'skip' or 'orig'). */
class SynthesisBlock {
  private readonly constInput: tf.Variable | null = null;
  private readonly conv0: SynthesisLayer | null = null;
  private readonly conv1: SynthesisLayer;
  private readonly torgb: ToRGBLayer | null = null;
  readonly numConv: number;
  readonly numToRgb: number;

  constructor(
    ctx: LayerContext,
    config: StyleGAN2Config,
    readonly resolution: number,
    inChannels: number,
    outChannels: number,
    isLast: boolean,
  ) {
    const name = `synthesis.b${resolution}`;
    const { wDim, demodulate } = config;
    if (inChannels === 0) {
      this.constInput = ctx.store.add(`${name}.const`, randn(ctx.rng, [outChannels, resolution, resolution]));
    } else {
      this.conv0 = new SynthesisLayer(
        ctx,
        `${name}.conv0`,
        inChannels,
        outChannels,
        wDim,
        resolution,
        true,
        demodulate,
      );
    }
    this.conv1 = new SynthesisLayer(
      ctx,
      `${name}.conv1`,
      outChannels,
      outChannels,
      wDim,
      resolution,
      false,
      demodulate,
    );
    if (isLast || config.gArchitecture === 'skip') {
      this.torgb = new ToRGBLayer(ctx, `${name}.torgb`, outChannels, config.channels, wDim);
    }
    this.numConv = inChannels === 0 ? 1 : 2;
    this.numToRgb = this.torgb ? 1 : 0;
  }

  apply(
    x: tf.Tensor4D | null,
    img: tf.Tensor4D | null,
    ws: tf.Tensor2D[],
    noiseMode: NoiseMode,
    rng: Mulberry32,
  ): { x: tf.Tensor4D; img: tf.Tensor4D | null } {
    let i = 0;
    let h: tf.Tensor4D;
    if (this.constInput) {
      const c = tf.transpose(this.constInput, [1, 2, 0]); // [C,H,W] → [H,W,C]
      h = tf.tile(tf.expandDims(c, 0), [ws[0].shape[0], 1, 1, 1]) as tf.Tensor4D;
    } else {
      if (!x || !this.conv0) throw new Error('SynthesisBlock: missing input');
      h = this.conv0.apply(x, ws[i++], noiseMode, rng);
    }
    h = this.conv1.apply(h, ws[i++], noiseMode, rng);
    let out = img ? upsample2d(img) : null;
    if (this.torgb) {
      const y = this.torgb.apply(h, ws[i]);
      out = out ? (tf.add(out, y) as tf.Tensor4D) : y;
    }
    return { x: h, img: out };
  }
}

export interface SynthesisOptions {
  /** 'random' (training), 'const' (fixed noise buffers) or 'none'. */
  noiseMode?: NoiseMode;
}

/** ws → image with learned const input, modulated convs, noise and skip toRGB (NVlabs SynthesisNetwork). */
export class SynthesisNetwork {
  private readonly blocks: SynthesisBlock[] = [];
  readonly numWs: number;

  constructor(ctx: LayerContext, config: StyleGAN2Config) {
    const log2 = Math.log2(config.resolution);
    let numWs = 0;
    for (let l = 2; l <= log2; l++) {
      const res = 2 ** l;
      const inChannels = res > 4 ? channelsAt(config, res / 2) : 0;
      const block = new SynthesisBlock(
        ctx,
        config,
        res,
        inChannels,
        channelsAt(config, res),
        res === config.resolution,
      );
      numWs += block.numConv + (res === config.resolution ? block.numToRgb : 0);
      this.blocks.push(block);
    }
    this.numWs = numWs;
  }

  /** ws [N, numWs, wDim] → images [N, res, res, channels] (NHWC). */
  apply(ws: tf.Tensor3D, noiseMode: NoiseMode, rng: Mulberry32): tf.Tensor4D {
    if (ws.shape[1] !== this.numWs)
      throw new Error(`synthesis: expected ${this.numWs} ws, got ${ws.shape[1]}`);
    const wList = tf.unstack(ws, 1) as tf.Tensor2D[];
    let x: tf.Tensor4D | null = null;
    let img: tf.Tensor4D | null = null;
    let wIdx = 0;
    for (const block of this.blocks) {
      const blockWs = wList.slice(wIdx, wIdx + block.numConv + block.numToRgb);
      ({ x, img } = block.apply(x, img, blockWs, noiseMode, rng));
      wIdx += block.numConv;
    }
    if (!img) throw new Error('synthesis: no image produced');
    return img;
  }
}

export interface GenerateOptions extends MappingOptions, SynthesisOptions {}

/** The StyleGAN2 generator: mapping + synthesis. Images are NHWC in roughly [-1, 1]. */
export class Generator {
  readonly store = new ParamStore('');
  readonly mapping: MappingNetwork;
  readonly synthesis: SynthesisNetwork;
  readonly numWs: number;
  /** Drives random noise inputs; seeded from the construction seed. */
  readonly rng: Mulberry32;

  constructor(
    readonly config: StyleGAN2Config,
    seed: number,
  ) {
    const ctx: LayerContext = { store: this.store, rng: new Mulberry32(seed) };
    this.synthesis = new SynthesisNetwork(ctx, config);
    this.numWs = this.synthesis.numWs;
    this.mapping = new MappingNetwork(ctx, config, this.numWs);
    this.rng = new Mulberry32(seed ^ 0x5bd1e995);
  }

  map(z: tf.Tensor2D, options: MappingOptions = {}): tf.Tensor3D {
    return this.mapping.apply(z, options);
  }

  synthesize(ws: tf.Tensor3D, options: SynthesisOptions = {}): tf.Tensor4D {
    return this.synthesis.apply(ws, options.noiseMode ?? 'random', this.rng);
  }

  /** z [N, zDim] → images [N, res, res, channels]. */
  generate(z: tf.Tensor2D, options: GenerateOptions = {}): tf.Tensor4D {
    return this.synthesize(this.map(z, options), options);
  }

  get wAvg(): tf.Variable {
    return this.mapping.wAvg;
  }

  dispose(): void {
    this.store.dispose();
  }
}
