import { z } from 'zod';

/**
 * Network and training configurations, named as in the papers and in NVlabs' stylegan2-ada-pytorch
 * (`train.py` cfg_specs, `run_training.py` configs a–f) and the "Scaling up StyleGAN2" tables (M/L/XL/XXL).
 */
export const CONFIG_NAMES = [
  'a',
  'b',
  'c',
  'd',
  'e',
  'f',
  'auto',
  'stylegan2',
  'paper256',
  'paper512',
  'paper1024',
  'M',
  'L',
  'XL',
  'XXL',
  'small',
  'tiny',
] as const;
export type ConfigName = (typeof CONFIG_NAMES)[number];

/**
 * Synthesis networks: 'style' = StyleGAN's G_style (AdaIN, instance norm; config a), 'orig' = NVlabs
 * G_synthesis_stylegan_revised (one toRGB per resolution, configs b–d), 'skip' = SG2's skip generator.
 */
export const GENERATOR_ARCHITECTURES = ['style', 'orig', 'skip'] as const;
/** 'basic' = StyleGAN's D_basic ([1,2,1] blur, box pooling; config a), 'orig' = D_stylegan, 'resnet' = SG2's. */
export const DISCRIMINATOR_ARCHITECTURES = ['basic', 'orig', 'resnet'] as const;
export type GeneratorArchitecture = (typeof GENERATOR_ARCHITECTURES)[number];
export type DiscriminatorArchitecture = (typeof DISCRIMINATOR_ARCHITECTURES)[number];

/**
 * Progressive growing as NVlabs stylegan2 training_loop.training_schedule (run_training.py configs a–d):
 * start at `initialResolution`, per phase `trainingKimg` stable then `transitionKimg` fading in the next
 * resolution. Per-resolution learning rates and minibatches override the base ones. Both tables are NVlabs'
 * numbers for their bases (`learningRateBase`, `minibatchBase`) and apply as ratios to the config's
 * learningRate and batch, so `--lr` and `--batch` rescale them instead of being ignored.
 */
export const ProgressiveSchema = z.object({
  initialResolution: z.number().int(),
  trainingKimg: z.number().positive(),
  transitionKimg: z.number().nonnegative(),
  /** Resolution → learning rate (G and D alike, as run_training.py's G_lrate_dict = D_lrate_dict). */
  learningRates: z.record(z.string(), z.number()),
  learningRateBase: z.number().positive(),
  /** Resolution → minibatch for a base batch of `minibatchBase`. */
  minibatches: z.record(z.string(), z.number().int()),
  minibatchBase: z.number().int(),
});
export type Progressive = z.infer<typeof ProgressiveSchema>;

/** A network + training config; checkpoints carry it so sampling rebuilds the networks from it alone. */
export const StyleGAN2ConfigSchema = z.object({
  name: z.enum(CONFIG_NAMES),
  /** Output/input image side, a power of two in 8–1024. */
  resolution: z.number().int(),
  /** Image channels: 1 (grey) or 3 (RGB). */
  channels: z.union([z.literal(1), z.literal(3)]),
  zDim: z.number().int(),
  wDim: z.number().int(),
  mappingLayers: z.number().int(),
  /** Learning-rate multiplier of the mapping FC layers (0.01). */
  mappingLrMultiplier: z.number(),
  /** Decay of the tracked w average (0.995). */
  wAvgBeta: z.number(),
  /** Feature maps at resolution r: min(channelBase / r, channelMax). */
  channelBase: z.number(),
  channelMax: z.number(),
  gArchitecture: z.enum(GENERATOR_ARCHITECTURES),
  dArchitecture: z.enum(DISCRIMINATOR_ARCHITECTURES),
  /** Weight demodulation in the synthesis convs (false only for config a). */
  demodulate: z.boolean(),
  /** Aydao's "noconst": the 4×4 input is a dense layer of w instead of the learned constant. */
  noConst: z.boolean().default(false),
  /** Progressive growing (configs a–d); null = the networks run at full resolution from the start. */
  progressive: ProgressiveSchema.nullable().default(null),
  /** Minibatch-stddev group size (features = 1). */
  mbstdGroupSize: z.number().int(),
  /** Total minibatch. */
  batch: z.number().int(),
  learningRate: z.number(),
  /** Adam betas and epsilon before the lazy-regularisation correction. */
  betas: z.tuple([z.number(), z.number()]),
  epsilon: z.number(),
  /** R1 weight γ; 0 disables R1. */
  r1Gamma: z.number(),
  /** Path-length weight (2); 0 disables it. */
  plWeight: z.number(),
  plDecay: z.number(),
  plBatchShrink: z.number(),
  styleMixingProb: z.number(),
  /** Lazy regularisation intervals; null = regularise in the main step ("both" phases). */
  gRegInterval: z.number().nullable(),
  dRegInterval: z.number().nullable(),
  /** G_ema half-life in kimg and ramp-up (for the trainer). */
  emaKimg: z.number(),
  emaRampup: z.number().nullable(),
});
export type StyleGAN2Config = z.infer<typeof StyleGAN2ConfigSchema>;

export interface ConfigOptions {
  resolution: number;
  channels?: 1 | 3;
  /** Overrides the config's minibatch (and, for `auto`, γ = 0.0002·res²/batch). */
  batch?: number;
}

type Preset = Omit<StyleGAN2Config, 'name' | 'resolution' | 'channels'>;

const BASE: Preset = {
  zDim: 512,
  wDim: 512,
  mappingLayers: 8,
  mappingLrMultiplier: 0.01,
  wAvgBeta: 0.995,
  channelBase: 32768,
  channelMax: 512,
  gArchitecture: 'skip',
  dArchitecture: 'resnet',
  demodulate: true,
  noConst: false,
  progressive: null,
  mbstdGroupSize: 4,
  batch: 32,
  learningRate: 0.002,
  betas: [0, 0.99],
  epsilon: 1e-8,
  r1Gamma: 10,
  plWeight: 2,
  plDecay: 0.01,
  plBatchShrink: 2,
  styleMixingProb: 0.9,
  gRegInterval: 4,
  dRegInterval: 16,
  emaKimg: 10,
  emaRampup: null,
};

/** NVlabs run_training.py, "Configs A-D: Enable progressive growing". */
const PAPER_PROGRESSIVE: Progressive = {
  initialResolution: 8,
  trainingKimg: 600,
  transitionKimg: 600,
  learningRates: { '128': 0.0015, '256': 0.002, '512': 0.003, '1024': 0.003 },
  learningRateBase: 0.001,
  minibatches: { '8': 256, '16': 128, '32': 64, '64': 32 },
  minibatchBase: 32,
};

/** The architecture of each row of SG2 paper Table 1, as NVlabs' run_training.py builds it. */
const PAPER_ARCHITECTURES: Record<'a' | 'b' | 'c' | 'd' | 'e' | 'f', Partial<Preset>> = {
  a: { gArchitecture: 'style', dArchitecture: 'basic', demodulate: false },
  b: { gArchitecture: 'orig', dArchitecture: 'orig' },
  c: { gArchitecture: 'orig', dArchitecture: 'orig' },
  d: { gArchitecture: 'orig', dArchitecture: 'orig' },
  e: { gArchitecture: 'skip', dArchitecture: 'resnet' },
  f: { gArchitecture: 'skip', dArchitecture: 'resnet' },
};

/** SG2 paper Table 1 rows: a–d grow progressively (base lr 0.001), c adds lazy reg, d path length, e γ 100, f large. */
function paperConfig(letter: 'a' | 'b' | 'c' | 'd' | 'e' | 'f'): Partial<Preset> {
  const rank = 'abcdef'.indexOf(letter);
  const progressive = rank <= 3;
  return {
    channelBase: letter === 'f' ? 32768 : 16384,
    gRegInterval: rank >= 2 ? 4 : null,
    dRegInterval: rank >= 2 ? 16 : null,
    plWeight: rank >= 3 ? 2 : 0,
    r1Gamma: letter === 'e' ? 100 : 10,
    learningRate: progressive ? 0.001 : 0.002,
    progressive: progressive ? PAPER_PROGRESSIVE : null,
    batch: 32,
    ...PAPER_ARCHITECTURES[letter],
  };
}

/** Feature-map tables of "Scaling up StyleGAN2": counts at 128/256/512/1024 px; lower resolutions use the cap. */
const SCALED: Record<'M' | 'L' | 'XL' | 'XXL', Partial<Preset>> = {
  M: { channelBase: 49152, channelMax: 512 },
  L: { channelBase: 65536, channelMax: 512 },
  XL: { channelBase: 81920, channelMax: 640 },
  XXL: { channelBase: 98304, channelMax: 768 },
};

function autoConfig(resolution: number, batch: number | undefined): Partial<Preset> {
  const mb = batch ?? Math.max(Math.min(Math.min(Math.floor(4096 / resolution), 32), 64), 1);
  return {
    batch: mb,
    mbstdGroupSize: Math.min(mb, 4),
    channelBase: resolution >= 512 ? 32768 : 16384,
    learningRate: resolution >= 1024 ? 0.002 : 0.0025,
    r1Gamma: (0.0002 * resolution * resolution) / mb,
    emaKimg: (mb * 10) / 32,
    emaRampup: 0.05,
    mappingLayers: 2,
  };
}

function presetFor(name: ConfigName, resolution: number, batch: number | undefined): Partial<Preset> {
  switch (name) {
    case 'a':
    case 'b':
    case 'c':
    case 'd':
    case 'e':
    case 'f':
      return paperConfig(name);
    case 'auto':
      return autoConfig(resolution, batch);
    case 'stylegan2':
      return {};
    case 'paper256':
      return {
        batch: 64,
        mbstdGroupSize: 8,
        channelBase: 16384,
        learningRate: 0.0025,
        r1Gamma: 1,
        emaKimg: 20,
      };
    case 'paper512':
      return { batch: 64, mbstdGroupSize: 8, learningRate: 0.0025, r1Gamma: 0.5, emaKimg: 20 };
    case 'paper1024':
      return { batch: 32, mbstdGroupSize: 4, learningRate: 0.002, r1Gamma: 2, emaKimg: 10 };
    case 'M':
    case 'L':
    case 'XL':
    case 'XXL':
      return SCALED[name];
    case 'small':
      return { zDim: 128, wDim: 128, mappingLayers: 2, channelBase: 2048, channelMax: 64, batch: 8 };
    case 'tiny':
      return {
        zDim: 8,
        wDim: 8,
        mappingLayers: 2,
        channelBase: 64,
        channelMax: 8,
        batch: 4,
        mbstdGroupSize: 2,
        r1Gamma: 1,
      };
  }
}

export function isConfigName(value: string): value is ConfigName {
  return (CONFIG_NAMES as readonly string[]).includes(value);
}

/** Builds the named config for a resolution (power of two, 8–1024) and channel count (1 or 3). */
export function stylegan2Config(name: ConfigName, options: ConfigOptions): StyleGAN2Config {
  if (!isConfigName(name)) {
    throw new Error(`Unknown StyleGAN2 config "${String(name)}"; use one of ${CONFIG_NAMES.join(', ')}.`);
  }
  const { resolution, channels = 3, batch } = options;
  if (
    !Number.isInteger(resolution) ||
    resolution < 8 ||
    resolution > 1024 ||
    (resolution & (resolution - 1)) !== 0
  ) {
    throw new Error(
      `StyleGAN2 resolution ${resolution} is not a power of two in 8–1024; resize the dataset to e.g. 64, 128 or 256.`,
    );
  }
  if (channels !== 1 && channels !== 3) {
    throw new Error(`StyleGAN2 channels ${String(channels)} unsupported; use 1 (grey) or 3 (RGB).`);
  }
  if (batch !== undefined && (!Number.isInteger(batch) || batch < 1)) {
    throw new Error(`StyleGAN2 batch ${batch} must be a positive integer.`);
  }
  const config: StyleGAN2Config = {
    ...BASE,
    ...presetFor(name, resolution, batch),
    name,
    resolution,
    channels,
  };
  if (batch !== undefined) config.batch = batch;
  config.mbstdGroupSize = Math.min(config.mbstdGroupSize, config.batch);
  return config;
}

/** Feature maps at a resolution: min(channelBase / res, channelMax), as NVlabs' channels_dict. */
export function channelsAt(config: StyleGAN2Config, resolution: number): number {
  return Math.min(Math.floor(config.channelBase / resolution), config.channelMax);
}

/** Adam hyper-parameters after the lazy-regularisation correction (mb_ratio = k / (k + 1)). */
export function lazyAdamParams(
  config: StyleGAN2Config,
  regInterval: number | null,
): { learningRate: number; betas: [number, number]; epsilon: number } {
  const ratio = regInterval === null ? 1 : regInterval / (regInterval + 1);
  return {
    learningRate: config.learningRate * ratio,
    betas: [config.betas[0] ** ratio, config.betas[1] ** ratio],
    epsilon: config.epsilon,
  };
}

/** A level of detail the config's networks can run at: 0 to log2(res) − 3 (D's smallest block takes 8 px). */
export function checkLod(config: StyleGAN2Config, lod: number): number {
  const max = Math.log2(config.resolution) - 3;
  if (config.progressive === null && lod !== 0) {
    throw new Error(`lod ${lod}: config ${config.name} has no progressive growing; use lod 0.`);
  }
  if (!(lod >= 0 && lod <= max))
    throw new Error(`lod ${lod} is outside 0–${max} for ${config.resolution} px.`);
  return lod;
}
