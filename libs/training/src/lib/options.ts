import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import {
  formatGrid,
  grid,
  nonNegativeInt,
  nonNegativeNumber,
  oneOf,
  positiveInt,
  powerOfTwo,
  finiteNumber,
  UsageError,
  type ArgParser,
} from '@portrait-forge/cli';
import { RUNS_DIR } from '@portrait-forge/run-format';
import { CONFIG_NAMES, stylegan2Config, type StyleGAN2Config } from '@portrait-forge/stylegan2';
import { BACKEND_PREFERENCE } from '@portrait-forge/tf-runtime';
import { formatSteps, parseSteps, StepsSchema, type Recipe } from './schedules';

/**
 * The training options, each declared once: its type, default and check (zod), its command-line flag
 * and help, and whether a resumed run may change it. TrainOptions, the defaults, the flags, config
 * presets (`--config FILE.json`), resume merging and training_options.json all derive from this table.
 */

export const AUG_MODES = ['ada', 'diffaug', 'noaug', 'fixed'] as const;
export type AugMode = (typeof AUG_MODES)[number];
/** fid50k_full / kid50k_full: SG2-ADA's metrics (@portrait-forge/metrics PUBLISHED_METRICS, converted Inception). */
export const SNAPSHOT_METRICS = ['fid50k_full', 'kid50k_full', 'face128', 'none'] as const;
export const BACKEND_CHOICES = ['auto', ...BACKEND_PREFERENCE] as const;
/** What the trainer does when the failure-mode monitor raises an alert (it always logs it). */
export const ON_ALERT = ['continue', 'snapshot', 'stop'] as const;
export type OnAlert = (typeof ON_ALERT)[number];

/** How an option is given on the command line. */
export interface OptionFlag {
  /** commander flags, e.g. `--res <n>`; a flag without `<…>` is a boolean switch. */
  flags: string;
  help: string;
  parse?: ArgParser<unknown>;
  /** Flag value → option value when they differ (`--gray` → channels 1). */
  toOption?: (flagValue: never) => unknown;
  /** Option value → what the flag would have been (help defaults, messages). */
  toFlag?: (optionValue: never) => unknown;
  /** Default as --help shows it, when JSON is not how people type it (`8x8`). */
  formatDefault?: (optionValue: never) => string;
}

interface OptionSpec<S extends z.ZodType> {
  schema: S;
  flag?: OptionFlag;
  /** A resumed run may change it (length, intervals, time limit, where data and runs are, hardware). */
  resumable?: true;
}

const spec = <S extends z.ZodType>(schema: S, flag?: OptionFlag, resumable?: true): OptionSpec<S> => ({
  schema,
  flag,
  resumable,
});
const fromCfg = 'unset: from --cfg';

export const TRAIN_OPTIONS = {
  manifest: spec(
    z.string().optional(),
    {
      flags: '--manifest <path>',
      help: 'curated manifest (SQLite) from `nx run curate:filter`: trains on the kept aligned crops',
    },
    true,
  ),
  data: spec(
    z.string().optional(),
    {
      flags: '--data <dir|zip>',
      help: 'instead of --manifest: a folder of images or an SG2-ADA dataset_tool.py zip',
    },
    true,
  ),
  outdir: spec(
    z.string().default(RUNS_DIR),
    { flags: '--outdir <dir>', help: 'where run dirs are created' },
    true,
  ),
  cfg: spec(z.enum(CONFIG_NAMES).default('auto'), {
    flags: '--cfg <name>',
    help: `network/training config: ${CONFIG_NAMES.join(', ')}`,
    parse: oneOf(CONFIG_NAMES),
  }),
  resolution: spec(
    z
      .number()
      .int()
      .refine(
        (n) => n >= 8 && n <= 1024 && (n & (n - 1)) === 0,
        'must be a power of two in 8–1024 (e.g. 64, 256)',
      )
      .default(256),
    {
      flags: '--res <n>',
      help: 'training resolution (power of two); images are cover-resized to it',
      parse: powerOfTwo(8, 1024),
    },
  ),
  channels: spec(z.union([z.literal(1), z.literal(3)]).default(3), {
    flags: '--gray',
    help: 'train on 1-channel grayscale instead of RGB',
    toOption: (gray: boolean) => (gray ? 1 : 3),
    toFlag: (channels: 1 | 3) => channels === 1,
  }),
  batch: spec(z.number().int().positive().optional(), {
    flags: '--batch <n>',
    help: `total minibatch (${fromCfg}; auto = min(4096/res, 32))`,
    parse: positiveInt,
  }),
  kimg: spec(
    z.number().nonnegative().default(25000),
    {
      flags: '--kimg <n>',
      help: 'training length in thousands of real images shown (fractions allowed)',
      parse: nonNegativeNumber,
    },
    true,
  ),
  tickKimg: spec(
    z.number().positive().default(4),
    {
      flags: '--tick <kimg>',
      help: 'progress/stats interval in kimg (SG2-ADA: 4)',
      parse: nonNegativeNumber,
    },
    true,
  ),
  snap: spec(
    z.number().int().positive().default(50),
    {
      flags: '--snap <ticks>',
      help: 'fakes grid + checkpoint (+ metrics) every N ticks',
      parse: positiveInt,
    },
    true,
  ),
  gamma: spec(z.number().nonnegative().optional(), {
    flags: '--gamma <g>',
    help: `R1 weight γ (${fromCfg}; auto = 0.0002·res²/batch)`,
    parse: nonNegativeNumber,
  }),
  gammaSteps: spec(StepsSchema.default([]), {
    flags: '--gamma-steps <kimg:value,…>',
    help: 'R1 γ from each kimg on, e.g. 20000:5 (seed 004: γ 10 decayed to 5 after 20 000 kimg)',
    parse: parseSteps,
    formatDefault: formatSteps,
  }),
  lr: spec(z.number().nonnegative().optional(), {
    flags: '--lr <rate>',
    help: `learning rate of G and D before the lazy-regularisation correction (${fromCfg})`,
    parse: nonNegativeNumber,
  }),
  glr: spec(z.number().nonnegative().optional(), {
    flags: '--glr <rate>',
    help: 'G learning rate (SG3 --glr; unset: --lr)',
    parse: nonNegativeNumber,
  }),
  dlr: spec(z.number().nonnegative().optional(), {
    flags: '--dlr <rate>',
    help: 'D learning rate (SG3 --dlr; unset: --lr; seed 004 found D at 2× G beneficial)',
    parse: nonNegativeNumber,
  }),
  lrSteps: spec(StepsSchema.default([]), {
    flags: '--lr-steps <kimg:factor,…>',
    help: 'both learning rates × factor from each kimg on, e.g. 10000:0.1,20000:0.01 (seed 004, model M)',
    parse: parseSteps,
    formatDefault: formatSteps,
  }),
  mixing: spec(z.number().min(0).max(1).optional(), {
    flags: '--mixing <p>',
    help: `style-mixing probability, 0 = off (SG3 --mixing; ${fromCfg}: 0.9)`,
    parse: nonNegativeNumber,
  }),
  noconst: spec(z.boolean().default(false), {
    flags: '--noconst',
    help: "G's 4×4 block from w instead of the learned constant (Aydao's noconst, seed 004)",
  }),
  emaKimg: spec(z.number().nonnegative().optional(), {
    flags: '--ema <kimg>',
    help: `G_ema half-life in kimg (${fromCfg}; auto = batch·10/32)`,
    parse: nonNegativeNumber,
  }),
  channelBase: spec(z.number().int().positive().optional(), {
    flags: '--cbase <n>',
    help: `capacity override: feature maps = min(cbase / res, cmax) (SG3 --cbase; ${fromCfg})`,
    parse: positiveInt,
  }),
  channelMax: spec(z.number().int().positive().optional(), {
    flags: '--cmax <n>',
    help: `capacity override: most feature maps per layer (SG3 --cmax; ${fromCfg})`,
    parse: positiveInt,
  }),
  mappingLayers: spec(z.number().int().positive().optional(), {
    flags: '--map <n>',
    help: `mapping network depth override (SG3 --map; ${fromCfg})`,
    parse: positiveInt,
  }),
  lodKimg: spec(z.number().positive().optional(), {
    flags: '--lod-kimg <kimg>',
    help: `progressive growing (cfg a–d): kimg per resolution stable, and again fading in the next (NVlabs lod_training_kimg = lod_transition_kimg = 600; ${fromCfg})`,
    parse: nonNegativeNumber,
  }),
  timeLimitMin: spec(
    z.number().nonnegative().optional(),
    {
      flags: '--time-limit <min>',
      help: 'checkpoint and stop after this many minutes (time-limited jobs); resume with --resume latest',
      parse: nonNegativeNumber,
    },
    true,
  ),
  mirror: spec(z.boolean().default(false), {
    flags: '--mirror',
    help: 'random x-flips of the real images (doubles the effective dataset)',
  }),
  aug: spec(z.enum(AUG_MODES).default('ada'), {
    flags: '--aug <mode>',
    help: 'ada: adaptive augmentation (small datasets); diffaug: DiffAugment colour, translation, cutout on reals and fakes (Zhao et al.); fixed: constant --p; noaug: none',
    parse: oneOf(AUG_MODES),
  }),
  p: spec(z.number().min(0).max(1).default(0), {
    flags: '--p <prob>',
    help: 'initial (ada) or constant (fixed) augmentation probability',
    parse: nonNegativeNumber,
  }),
  target: spec(
    z
      .number()
      .gt(0, 'must lie in (0, 1); SG2-ADA uses 0.6')
      .lt(1, 'must lie in (0, 1); SG2-ADA uses 0.6')
      .default(0.6),
    {
      flags: '--target <rt>',
      help: 'ADA target for E[sign(D(real))] (SG2-ADA: 0.6)',
      parse: finiteNumber,
    },
  ),
  adaKimg: spec(z.number().positive().default(500), {
    flags: '--ada-kimg <n>',
    help: 'ADA speed: kimg for p to go 0 → 1 (SG2-ADA: 500)',
    parse: nonNegativeNumber,
  }),
  /** Minibatches between ADA adjustments (SG2-ADA: 4). */
  adaInterval: spec(z.number().int().positive().default(4)),
  seed: spec(z.number().int().default(0), {
    flags: '--seed <n>',
    help: 'seed of weights, data order, latents and augmentation',
    parse: finiteNumber,
  }),
  backend: spec(
    z.enum(BACKEND_CHOICES).default('auto'),
    {
      flags: '--backend <name>',
      help: `tfjs backend: auto or ${BACKEND_PREFERENCE.join(', ')} (auto picks the first installed)`,
      parse: oneOf(BACKEND_CHOICES),
    },
    true,
  ),
  grid: spec(z.tuple([z.number().int().positive(), z.number().int().positive()]).default([8, 8]), {
    flags: '--grid <CxR>',
    help: 'size of the reals/fakes grids',
    parse: grid,
    formatDefault: formatGrid,
  }),
  workers: spec(
    z.number().int().positive().default(4),
    { flags: '--workers <n>', help: 'images decoded in parallel by the loader', parse: positiveInt },
    true,
  ),
  metrics: spec(
    z.enum(SNAPSHOT_METRICS).default('none'),
    {
      flags: '--metrics <which>',
      help: 'at each snapshot: fid50k_full / kid50k_full = as SG2-ADA (Inception, 50k fakes vs all reals; needs tools/scripts/convert-inception.py once); face128 = FID in the face-api 128-d embedding (not comparable); none',
      parse: oneOf(SNAPSHOT_METRICS),
    },
    true,
  ),
  metricsImages: spec(
    z.number().int().positive().default(1000),
    { flags: '--metrics-images <n>', help: 'images per side for the snapshot FID', parse: positiveInt },
    true,
  ),
  onAlert: spec(
    z.enum(ON_ALERT).default('continue'),
    {
      flags: '--on-alert <action>',
      help: 'when the failure-mode monitor raises an alert (always logged): continue, snapshot (grid + checkpoint), stop (checkpoint and exit)',
      parse: oneOf(ON_ALERT),
    },
    true,
  ),
  /** Consecutive non-finite steps before rolling back to the last checkpoint with the LR halved. */
  nanRollbackAfter: spec(z.number().int().positive().default(3)),
  /** Give up after this many rollbacks. */
  maxRollbacks: spec(z.number().int().nonnegative().default(4)),
  resume: spec(
    z.string().optional(),
    {
      flags: '--resume <latest|path>',
      help:
        'continue a run: `latest` (newest checkpoint under --outdir), a run dir or a .ckpt. Transfer learning: a .pkl ' +
        '(NVlabs), a converted network .ckpt, or a .ckpt with a different --data/--manifest starts a new run from its weights',
    },
    true,
  ),
  freezed: spec(z.number().int().nonnegative().default(0), {
    flags: '--freezed <n>',
    help: 'freeze the first N layers of D, from the highest resolution (SG2-ADA transfer learning)',
    parse: nonNegativeInt,
  }),
  name: spec(z.string().optional(), {
    flags: '--name <text>',
    help: 'run dir description (unset: the dataset name)',
  }),
};

export type TrainOptionName = keyof typeof TRAIN_OPTIONS;
type Shape = { [K in TrainOptionName]: (typeof TRAIN_OPTIONS)[K]['schema'] };

const shape = Object.fromEntries(Object.entries(TRAIN_OPTIONS).map(([k, s]) => [k, s.schema])) as Shape;

/** Stored options (checkpoints, training_options.json): unknown keys of older versions are dropped. */
export const TrainOptionsSchema = z.object(shape);
/** Options given by a person (a config preset, flags): checked, no defaults filled, unknown keys are mistakes. */
export const TrainOptionsInputSchema = z
  .strictObject(
    Object.fromEntries(
      Object.entries(shape).map(([k, s]) => [k, s instanceof z.ZodDefault ? s.unwrap() : s]),
    ) as { [K in TrainOptionName]: Shape[K] extends z.ZodDefault<infer T> ? T : Shape[K] },
  )
  .partial();

/** Everything a run is defined by; stored in training_options.json and in every checkpoint. */
export type TrainOptions = z.output<typeof TrainOptionsSchema>;
export type TrainOptionsInput = z.input<typeof TrainOptionsInputSchema>;

export const RESUMABLE_OPTIONS: readonly TrainOptionName[] = (
  Object.keys(TRAIN_OPTIONS) as TrainOptionName[]
).filter((k) => TRAIN_OPTIONS[k].resumable);

/** Names an option in messages: its flag when it has one. */
export function optionLabel(name: string): string {
  const flag = (TRAIN_OPTIONS as Record<string, OptionSpec<z.ZodType>>)[name]?.flag;
  return flag ? `${flag.flags.split(' ')[0]} (${name})` : name;
}

/** One line per problem: where, the value, what is wrong (the zod message carries the fix where we wrote one). */
export function describeIssues(error: z.ZodError, input: unknown, source: string): string {
  return error.issues
    .map((issue) => {
      const name = issue.path.map(String).join('.');
      const value = issue.path.reduce<unknown>(
        (v, k) => (v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined),
        input,
      );
      if (issue.code === 'unrecognized_keys')
        return `${source}: unknown option(s) ${issue.keys.join(', ')}; known: ${Object.keys(TRAIN_OPTIONS).join(', ')}`;
      return `${source}: ${optionLabel(name)} = ${JSON.stringify(value)}: ${issue.message}`;
    })
    .join('\n');
}

function parseWith<S extends z.ZodType>(schema: S, input: unknown, source: string): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw new UsageError(describeIssues(result.error, input, source));
  return result.data;
}

/** Keys of a preset that are notes for people (JSON has no comments): `$comment`, `$comment:glr`, …. */
export const PRESET_COMMENT_RE = /^\$comment(?::.*)?$/;

/** A `--config FILE.json` preset: a JSON object of option names (see apps/trainer/configs); `$comment…` keys are notes. */
export function parseTrainConfig(json: unknown, source: string): TrainOptionsInput {
  const options =
    json !== null && typeof json === 'object' && !Array.isArray(json)
      ? Object.fromEntries(Object.entries(json).filter(([k]) => !PRESET_COMMENT_RE.test(k)))
      : json;
  return parseWith(TrainOptionsInputSchema, options, source);
}

/** Options for a new run: defaults ← `given`; the data source must be given exactly once. */
export function resolveTrainOptions(given: TrainOptionsInput, source = 'options'): TrainOptions {
  const options = parseWith(TrainOptionsSchema, given, source);
  if (!options.resume && !options.manifest && !options.data)
    throw new UsageError(
      'No training data: pass --manifest PATH (curated kept set) or --data DIR|ZIP, or --resume latest|PATH.',
    );
  if (options.manifest && options.data) throw new UsageError('Pass either --manifest or --data, not both.');
  return options;
}

/**
 * A resumed run keeps its definition (`stored`); only RESUMABLE_OPTIONS may change, and only the ones
 * given. Giving another option a different value is an error rather than silently ignored.
 */
export function resumeTrainOptions(
  stored: TrainOptions,
  given: TrainOptionsInput,
  source: string,
): TrainOptions {
  const changed = (Object.keys(given) as TrainOptionName[]).filter(
    (k) => given[k] !== undefined && !TRAIN_OPTIONS[k].resumable && !isDeepStrictEqual(given[k], stored[k]),
  );
  if (changed.length)
    throw new UsageError(
      `${source}: a resumed run keeps its definition; ${changed
        .map((k) => `${optionLabel(k)} is ${JSON.stringify(stored[k])}, not ${JSON.stringify(given[k])}`)
        .join('; ')}. Drop those flags, or start a new run without --resume.`,
    );
  const overrides = Object.fromEntries(
    RESUMABLE_OPTIONS.filter((k) => given[k] !== undefined).map((k) => [k, given[k]]),
  );
  return parseWith(TrainOptionsSchema, { ...stored, ...overrides }, source);
}

/** The network config of `--cfg` after the option overrides (γ, lr, EMA, capacity). */
export function resolveConfig(o: TrainOptions): StyleGAN2Config {
  const config = stylegan2Config(o.cfg, { resolution: o.resolution, channels: o.channels, batch: o.batch });
  if (o.gamma !== undefined) config.r1Gamma = o.gamma;
  if (o.lr !== undefined) config.learningRate = o.lr;
  if (o.emaKimg !== undefined) config.emaKimg = o.emaKimg;
  if (o.channelBase !== undefined) config.channelBase = o.channelBase;
  if (o.channelMax !== undefined) config.channelMax = o.channelMax;
  if (o.mappingLayers !== undefined) config.mappingLayers = o.mappingLayers;
  if (o.lodKimg !== undefined) {
    if (config.progressive === null) {
      throw new UsageError(
        `--lod-kimg: config ${o.cfg} does not grow progressively; use --cfg a, b, c or d.`,
      );
    }
    config.progressive = { ...config.progressive, trainingKimg: o.lodKimg, transitionKimg: o.lodKimg };
  }
  if (o.mixing !== undefined) config.styleMixingProb = o.mixing;
  config.noConst = o.noconst;
  return config;
}

/** The learning rates, γ and their step schedules: --glr/--dlr, else --lr, else the config's. */
export function resolveRecipe(o: TrainOptions, config: StyleGAN2Config): Recipe {
  return {
    gLr: o.glr ?? config.learningRate,
    dLr: o.dlr ?? config.learningRate,
    r1Gamma: config.r1Gamma,
    lrSteps: o.lrSteps,
    gammaSteps: o.gammaSteps,
  };
}
