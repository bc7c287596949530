import * as tf from '@tensorflow/tfjs';
import { channelsAt, checkLod, type StyleGAN2Config } from './config';
import {
  FullyConnectedLayer,
  type LayerContext,
  type NoiseMode,
  randn,
  SynthesisLayer,
  type SynthesisStage,
  ToRGBLayer,
} from './layers';
import { nearestUpsample, upsample2d } from './ops';
import { StyleSynthesisBlock } from './style-synthesis';
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
    // G_style's G_mapping is StyleGAN's (networks_stylegan.py), the others SG2's.
    const placement = config.gArchitecture === 'style' ? 'in-weight' : 'after-activation';
    for (let i = 0; i < mappingLayers; i++) {
      const inFeatures = i === 0 ? zDim : wDim;
      this.layers.push(
        new FullyConnectedLayer(
          ctx,
          `mapping.fc${i}`,
          inFeatures,
          wDim,
          'lrelu',
          mappingLrMultiplier,
          0,
          placement,
        ),
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

/** One resolution of the SG2 synthesis network (NVlabs SynthesisBlock; G_synthesis_stylegan_revised per level). */
class SynthesisBlock implements SynthesisStage {
  private readonly constInput: tf.Variable | null = null;
  private readonly dense: FullyConnectedLayer | null = null;
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
    private readonly outChannels: number,
    hasToRgb: boolean,
  ) {
    const name = `synthesis.b${resolution}`;
    const { wDim, demodulate } = config;
    if (inChannels === 0 && config.noConst) {
      this.dense = new FullyConnectedLayer(ctx, `${name}.dense`, wDim, outChannels * resolution * resolution);
    } else if (inChannels === 0) {
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
    if (hasToRgb) this.torgb = new ToRGBLayer(ctx, `${name}.torgb`, outChannels, config.channels, wDim);
    this.numConv = inChannels === 0 ? 1 : 2;
    this.numToRgb = this.torgb ? 1 : 0;
  }

  get hasToRgb(): boolean {
    return this.torgb !== null;
  }

  features(x: tf.Tensor4D | null, ws: tf.Tensor2D[], noiseMode: NoiseMode, rng: Mulberry32): tf.Tensor4D {
    let i = 0;
    let h: tf.Tensor4D;
    const n = ws[0].shape[0];
    const r = this.resolution;
    if (this.dense) {
      // Aydao's noconst, built as StyleGAN's own const_input_layer=False: dense of w[0], gain √2/4.
      const flat = tf.mul(this.dense.apply(ws[0]), Math.SQRT2 / 4);
      h = tf.transpose(tf.reshape(flat, [n, this.outChannels, r, r]), [0, 2, 3, 1]) as tf.Tensor4D;
    } else if (this.constInput) {
      const c = tf.transpose(this.constInput, [1, 2, 0]); // [C,H,W] → [H,W,C]
      h = tf.tile(tf.expandDims(c, 0), [n, 1, 1, 1]) as tf.Tensor4D;
    } else {
      if (!x || !this.conv0) throw new Error('SynthesisBlock: missing input');
      h = this.conv0.apply(x, ws[i++], noiseMode, rng);
    }
    return this.conv1.apply(h, ws[i], noiseMode, rng);
  }

  toRgb(h: tf.Tensor4D, ws: tf.Tensor2D[]): tf.Tensor4D {
    if (!this.torgb) throw new Error(`synthesis b${this.resolution} has no toRGB`);
    return this.torgb.apply(h, ws[this.numConv]);
  }
}

export interface SynthesisOptions {
  /** 'random' (training), 'const' (fixed noise buffers) or 'none'. */
  noiseMode?: NoiseMode;
}

/** The stage of each generator architecture (config.gArchitecture). */
function createStage(
  ctx: LayerContext,
  config: StyleGAN2Config,
  res: number,
  inChannels: number,
  hasToRgb: boolean,
): SynthesisStage {
  const out = channelsAt(config, res);
  if (config.gArchitecture === 'style') {
    const options = { wDim: config.wDim, imgChannels: config.channels, noConst: config.noConst, hasToRgb };
    return new StyleSynthesisBlock(ctx, options, res, inChannels, out);
  }
  return new SynthesisBlock(ctx, config, res, inChannels, out, hasToRgb);
}

/**
 * ws → image (NVlabs SynthesisNetwork). 'skip' sums every resolution's toRGB; 'orig' and 'style' take the
 * last one. With progressive growing every resolution has a toRGB and `lod` picks the output as NVlabs'
 * recursive structure: the level 2^(log2 res − ⌊lod⌋), blended with the level below by lod − ⌊lod⌋ (FIR
 * upsampled in G_synthesis_stylegan_revised, nearest in G_style), then nearest-upscaled to full size.
 */
export class SynthesisNetwork {
  private readonly stages: SynthesisStage[] = [];
  readonly numWs: number;
  private lodValue = 0;

  constructor(
    ctx: LayerContext,
    private readonly config: StyleGAN2Config,
  ) {
    const log2 = Math.log2(config.resolution);
    const everyToRgb = config.gArchitecture === 'skip' || config.progressive !== null;
    let numWs = 0;
    for (let l = 2; l <= log2; l++) {
      const res = 2 ** l;
      const inChannels = res > 4 ? channelsAt(config, res / 2) : 0;
      const stage = createStage(ctx, config, res, inChannels, everyToRgb || res === config.resolution);
      numWs += stage.numConv + (res === config.resolution ? stage.numToRgb : 0);
      this.stages.push(stage);
    }
    this.numWs = numWs;
  }

  /** Level of detail: 0 = full resolution, up to log2(res) − 3 (8×8); non-zero only with progressive growing. */
  get lod(): number {
    return this.lodValue;
  }

  set lod(value: number) {
    this.lodValue = checkLod(this.config, value);
  }

  /** The ws the current lod runs (NVlabs' cur_layers = num_layers − 2·⌊lod⌋): each skipped level has 2 layers. */
  get activeWs(): number {
    return this.numWs - 2 * Math.floor(this.lodValue);
  }

  /** ws [N, numWs, wDim] → images [N, res, res, channels] (NHWC). */
  apply(ws: tf.Tensor3D, noiseMode: NoiseMode, rng: Mulberry32): tf.Tensor4D {
    if (ws.shape[1] !== this.numWs)
      throw new Error(`synthesis: expected ${this.numWs} ws, got ${ws.shape[1]}`);
    const wList = tf.unstack(ws, 1) as tf.Tensor2D[];
    const top = this.stages.length - 1 - Math.floor(this.lodValue);
    const alpha = this.lodValue - Math.floor(this.lodValue);
    const skip = this.config.gArchitecture === 'skip';
    let x: tf.Tensor4D | null = null;
    let img: tf.Tensor4D | null = null;
    let below: tf.Tensor4D | null = null;
    let wIdx = 0;
    for (const stage of this.stages.slice(0, top + 1)) {
      const stageWs = wList.slice(wIdx, wIdx + stage.numConv + stage.numToRgb);
      below = x;
      x = stage.features(x, stageWs, noiseMode, rng);
      if (skip) {
        const y = stage.toRgb(x, stageWs);
        img = img ? (tf.add(upsample2d(img), y) as tf.Tensor4D) : y;
      } else if (stage === this.stages[top]) {
        img = stage.toRgb(x, stageWs);
        if (alpha > 0 && below) img = this.fadeIn(img, below, top, wList, alpha);
      }
      wIdx += stage.numConv;
    }
    if (!img) throw new Error('synthesis: no image produced');
    return nearestUpsample(img, 2 ** (this.stages.length - 1 - top));
  }

  /** lerp(toRGB of the new level, upsampled toRGB of the level below, alpha): NVlabs' Grow_lod blend. */
  private fadeIn(
    img: tf.Tensor4D,
    below: tf.Tensor4D,
    top: number,
    wList: tf.Tensor2D[],
    alpha: number,
  ): tf.Tensor4D {
    const prev = this.stages[top - 1];
    const start = this.stages.slice(0, top - 1).reduce((sum, s) => sum + s.numConv, 0);
    const prevImg = prev.toRgb(below, wList.slice(start, start + prev.numConv + prev.numToRgb));
    const up = this.config.gArchitecture === 'style' ? nearestUpsample(prevImg, 2) : upsample2d(prevImg);
    return tf.add(img, tf.mul(tf.sub(up, img), alpha)) as tf.Tensor4D;
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

  /** Level of detail of progressive growing (see SynthesisNetwork.lod). */
  get lod(): number {
    return this.synthesis.lod;
  }

  set lod(value: number) {
    this.synthesis.lod = value;
  }

  get wAvg(): tf.Variable {
    return this.mapping.wAvg;
  }

  dispose(): void {
    this.store.dispose();
  }
}
