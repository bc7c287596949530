import { Command, InvalidArgumentError, Option } from 'commander';
import { CONFIG_NAMES, isConfigName, type ConfigName } from '@portrait-forge/stylegan2';
import { DEFAULT_TRAIN_OPTIONS, train, type AugMode, type TrainOptions } from '@portrait-forge/training';
import { backendChoice, backendOption, positiveInt, RUNS_DIR, runIfMain } from '../lib/cli';
import { faceFidHook } from '../lib/fid-hook';

const D = DEFAULT_TRAIN_OPTIONS;

function nonNegative(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < 0)
      throw new InvalidArgumentError(`${name} must be a number ≥ 0, got "${value}".`);
    return n;
  };
}

function powerOfTwo(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 8 || n > 1024 || (n & (n - 1)) !== 0) {
    throw new InvalidArgumentError(
      `--res must be a power of two in 8–1024 (e.g. 64, 128, 256), got "${value}".`,
    );
  }
  return n;
}

function grid(value: string): [number, number] {
  const m = /^(\d+)x(\d+)$/.exec(value);
  if (!m || Number(m[1]) < 1 || Number(m[2]) < 1)
    throw new InvalidArgumentError(`--grid must look like 8x8, got "${value}".`);
  return [Number(m[1]), Number(m[2])];
}

interface RawTrainFlags {
  manifest?: string;
  data?: string;
  outdir: string;
  cfg: string;
  res: number;
  gray: boolean;
  batch?: number;
  kimg: number;
  tick: number;
  gamma?: number;
  lr?: number;
  ema?: number;
  cbase?: number;
  cmax?: number;
  map?: number;
  timeLimit?: number;
  mirror: boolean;
  aug: AugMode;
  p: number;
  target: number;
  adaKimg: number;
  snap: number;
  resume?: string;
  seed: number;
  backend: string;
  grid: [number, number];
  workers: number;
  metrics: string;
  metricsImages: number;
  name?: string;
}

/** CLI flags → TrainOptions, with errors naming the flag and the fix. */
export function toTrainOptions(f: RawTrainFlags): TrainOptions {
  if (!f.manifest && !f.data && !f.resume) {
    throw new Error(
      'No training data: pass --manifest PATH (curated kept set) or --data DIR|ZIP, or --resume.',
    );
  }
  if (f.manifest && f.data) throw new Error('Pass either --manifest or --data, not both.');
  if (!isConfigName(f.cfg))
    throw new Error(`--cfg ${f.cfg} is unknown; use one of ${CONFIG_NAMES.join(', ')}.`);
  const backend = backendChoice(f.backend);
  if (f.target <= 0 || f.target >= 1)
    throw new Error(`--target must lie in (0, 1), got ${f.target}; SG2-ADA uses 0.6.`);
  return {
    manifest: f.manifest,
    data: f.data,
    outdir: f.outdir,
    cfg: f.cfg as ConfigName,
    resolution: f.res,
    channels: f.gray ? 1 : 3,
    batch: f.batch,
    gamma: f.gamma,
    lr: f.lr,
    emaKimg: f.ema,
    channelBase: f.cbase,
    channelMax: f.cmax,
    mappingLayers: f.map,
    timeLimitMin: f.timeLimit,
    kimg: f.kimg,
    tickKimg: f.tick,
    snap: f.snap,
    mirror: f.mirror,
    aug: f.aug,
    p: f.p,
    target: f.target,
    adaKimg: f.adaKimg,
    adaInterval: D.adaInterval,
    seed: f.seed,
    backend,
    grid: f.grid,
    workers: f.workers,
    nanRollbackAfter: D.nanRollbackAfter,
    maxRollbacks: D.maxRollbacks,
    resume: f.resume,
    name: f.name,
  };
}

/** CLI flag names that differ from TrainOptions field names. */
const FLAG_TO_OPTION: Record<string, string> = {
  tick: 'tickKimg',
  timeLimit: 'timeLimitMin',
  res: 'resolution',
};

export function trainCommand(): Command {
  return new Command('train')
    .description(
      'Train StyleGAN2 (SG2-ADA conventions) on the curated kept set or an image folder/zip. Writes <outdir>/<id>-<name>-<cfg>/ with ' +
        'training_options.json, log.txt, stats.jsonl, reals.png, fakes<kimg>.png and network-snapshot-<nimg>.ckpt. ' +
        'Ctrl-C finishes the current step, writes a checkpoint and exits; continue with --resume latest.',
    )
    .option(
      '--manifest <path>',
      'curated manifest (SQLite) from `nx run curate:filter`: trains on the kept aligned crops',
    )
    .option('--data <dir|zip>', 'instead of --manifest: a folder of images or an SG2-ADA dataset_tool.py zip')
    .option('--outdir <dir>', 'where run dirs are created', RUNS_DIR)
    .option('--cfg <name>', `network/training config: ${CONFIG_NAMES.join(', ')}`, D.cfg)
    .option(
      '--res <n>',
      'training resolution (power of two); images are cover-resized to it',
      powerOfTwo,
      D.resolution,
    )
    .option('--gray', 'train on 1-channel grayscale instead of RGB', false)
    .option(
      '--batch <n>',
      'total minibatch (default: from --cfg; auto = min(4096/res, 32))',
      positiveInt('--batch'),
    )
    .option(
      '--kimg <n>',
      'training length in thousands of real images shown (fractions allowed)',
      nonNegative('--kimg'),
      D.kimg,
    )
    .option(
      '--tick <kimg>',
      'progress/stats interval in kimg (SG2-ADA: 4)',
      nonNegative('--tick'),
      D.tickKimg,
    )
    .option(
      '--gamma <g>',
      'R1 weight γ (default: from --cfg; auto = 0.0002·res²/batch)',
      nonNegative('--gamma'),
    )
    .option(
      '--lr <rate>',
      'learning rate of G and D before the lazy-regularisation correction (default: from --cfg)',
      nonNegative('--lr'),
    )
    .option(
      '--ema <kimg>',
      'G_ema half-life in kimg (default: from --cfg; auto = batch·10/32)',
      nonNegative('--ema'),
    )
    .option(
      '--cbase <n>',
      'capacity override: feature maps = min(cbase / res, cmax) (SG3 --cbase)',
      positiveInt('--cbase'),
    )
    .option(
      '--cmax <n>',
      'capacity override: most feature maps per layer (SG3 --cmax)',
      positiveInt('--cmax'),
    )
    .option('--map <n>', 'mapping network depth override (SG3 --map)', positiveInt('--map'))
    .option(
      '--time-limit <min>',
      'checkpoint and stop after this many minutes (time-limited jobs); resume with --resume latest',
      nonNegative('--time-limit'),
    )
    .option('--mirror', 'random x-flips of the real images (doubles the effective dataset)', false)
    .addOption(
      new Option(
        '--aug <mode>',
        'ada: adaptive augmentation (small datasets); fixed: constant --p; noaug: none',
      )
        .choices(['ada', 'noaug', 'fixed'])
        .default(D.aug),
    )
    .option(
      '--p <prob>',
      'initial (ada) or constant (fixed) augmentation probability',
      nonNegative('--p'),
      D.p,
    )
    .option(
      '--target <rt>',
      'ADA target for E[sign(D(real))] (SG2-ADA: 0.6)',
      nonNegative('--target'),
      D.target,
    )
    .option(
      '--ada-kimg <n>',
      'ADA speed: kimg for p to go 0 → 1 (SG2-ADA: 500)',
      nonNegative('--ada-kimg'),
      D.adaKimg,
    )
    .option(
      '--snap <ticks>',
      'fakes grid + checkpoint (+ metrics) every N ticks',
      positiveInt('--snap'),
      D.snap,
    )
    .option(
      '--resume <latest|path>',
      'continue a run: `latest` (newest checkpoint under --outdir), a run dir or a .ckpt',
    )
    .option('--seed <n>', 'seed of weights, data order, latents and augmentation', (v) => Number(v), D.seed)
    .addOption(backendOption())
    .option('--grid <CxR>', 'size of the reals/fakes grids', grid, D.grid)
    .option('--workers <n>', 'images decoded in parallel by the loader', positiveInt('--workers'), D.workers)
    .addOption(
      new Option(
        '--metrics <which>',
        'at each snapshot: face128 = FID with the face-api 128-d embedding; none',
      )
        .choices(['face128', 'none'])
        .default('none'),
    )
    .option(
      '--metrics-images <n>',
      'images per side for the snapshot FID',
      positiveInt('--metrics-images'),
      1000,
    )
    .option('--name <text>', 'run dir description (default: dataset name)')
    .action(async (flags: RawTrainFlags, cmd: Command) => {
      const explicit = Object.keys(flags).filter((k) => cmd.getOptionValueSource(k) !== 'default');
      const opts = { ...toTrainOptions(flags), explicit: explicit.map((k) => FLAG_TO_OPTION[k] ?? k) };
      let stopRequested = false;
      const onSigint = (): void => {
        if (stopRequested) process.exit(130);
        stopRequested = true;
        process.stderr.write(
          '\nSIGINT: finishing the current step, then checkpointing (Ctrl-C again to abort)\n',
        );
      };
      process.on('SIGINT', onSigint);
      process.on('SIGTERM', onSigint);
      try {
        const result = await train(opts, {
          shouldStop: () => stopRequested,
          onSnapshot:
            flags.metrics === 'face128'
              ? await faceFidHook({
                  manifest: opts.manifest,
                  data: opts.data,
                  images: flags.metricsImages,
                  resolution: opts.resolution,
                  channels: opts.channels,
                })
              : undefined,
        });
        process.stdout.write(`${JSON.stringify(result)}\n`);
      } finally {
        process.off('SIGINT', onSigint);
        process.off('SIGTERM', onSigint);
      }
    });
}

runIfMain(module, trainCommand, 'trainer train');
