import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type * as tfjs from '@tensorflow/tfjs';
import {
  Generator,
  copyWeights,
  createStyleGAN2,
  deserializeWeights,
  lazyAdamParams,
  lerpWeights,
  serializeWeights,
  stylegan2Config,
  type ConfigName,
  type PhaseStats,
  type StyleGAN2,
  type StyleGAN2Config,
} from '@portrait-forge/stylegan2';
import { initTf, type BackendChoice } from '@portrait-forge/tf-runtime';
import { accumulateSigns, initialAda, maybeAdjust, type AdaState } from './ada';
import { augmentBatch } from './augment';
import {
  checkpointName,
  listCheckpoints,
  loadCheckpoint,
  saveCheckpoint,
  type Checkpoint,
} from './checkpoint';
import type { WriteHook } from '@portrait-forge/files';
import { emaBeta } from './ema';
import { saveImageGrid } from './grid';
import { ImageLoader } from './loader';
import { formatTick } from './progress';
import { Rng, type RngState } from './rng';
import { RunLog, StatCollector, appendJsonl, createRunDir, resolveResume } from './run-dir';
import { openSource, type ImageSource } from './sources';

export type AugMode = 'ada' | 'noaug' | 'fixed';

/** Everything a run is defined by; stored in training_options.json and in every checkpoint. */
export interface TrainOptions {
  manifest?: string;
  data?: string;
  outdir: string;
  cfg: ConfigName;
  resolution: number;
  channels: 1 | 3;
  batch?: number;
  gamma?: number;
  lr?: number;
  /** Override of the config's G_ema half-life (kimg). */
  emaKimg?: number;
  /** Overrides of the config's capacity (SG3 train.py --cbase/--cmax/--map), for small machines. */
  channelBase?: number;
  channelMax?: number;
  mappingLayers?: number;
  /** Stop cleanly (checkpoint) after this many minutes of this process; for time-limited jobs. */
  timeLimitMin?: number;
  kimg: number;
  /** Images per tick (NVlabs kimg_per_tick = 4). */
  tickKimg: number;
  /** Snapshot (fakes, checkpoint, metrics) every N ticks. */
  snap: number;
  mirror: boolean;
  aug: AugMode;
  /** Initial / fixed augmentation probability. */
  p: number;
  target: number;
  adaKimg: number;
  adaInterval: number;
  seed: number;
  backend: BackendChoice | 'auto';
  /** Fixed-seed grid of fakes: columns × rows. */
  grid: [number, number];
  /** Images decoded in parallel. */
  workers: number;
  /** Consecutive non-finite steps before rolling back to the last checkpoint with LR halved. */
  nanRollbackAfter: number;
  /** Give up after this many rollbacks. */
  maxRollbacks: number;
  /** `latest`, a run dir or a checkpoint file. */
  resume?: string;
  /** On resume: the options the user gave explicitly (others of RESUME_OVERRIDABLE come from the checkpoint). */
  explicit?: string[];
  /** Description part of the run dir name (default: dataset name). */
  name?: string;
}

export const DEFAULT_TRAIN_OPTIONS: Omit<TrainOptions, 'outdir' | 'manifest' | 'data'> = {
  cfg: 'auto',
  resolution: 256,
  channels: 3,
  kimg: 25000,
  tickKimg: 4,
  snap: 50,
  mirror: false,
  aug: 'ada',
  p: 0,
  target: 0.6,
  adaKimg: 500,
  adaInterval: 4,
  seed: 0,
  backend: 'auto',
  grid: [8, 8],
  workers: 4,
  nanRollbackAfter: 3,
  maxRollbacks: 4,
};

/** Optional instrumentation: metrics at snapshots, stop requests, and fault injection for tests. */
export interface TrainHooks {
  /** Called at every snapshot with a sampler of G_ema; returned figures go to log.txt and metric-*.jsonl. */
  onSnapshot?: (ctx: SnapshotContext) => Promise<Record<string, number>>;
  /** Polled after every step; true → checkpoint and stop (SIGINT uses this). */
  shouldStop?: () => boolean;
  /** Stop after this many images in this process (tests: simulate an interruption). */
  stopAtNimg?: number;
  /** May modify the real batch in place (tests: NaN injection). */
  corruptReals?: (batchIdx: number, data: Float32Array) => void;
  /** Passed to the checkpoint writer (tests: crash or ENOSPC mid-write). */
  checkpointWriteHook?: WriteHook;
  /** Where progress lines go besides log.txt (default stdout). */
  echo?: (line: string) => void;
}

export interface SnapshotContext {
  runDir: string;
  kimg: number;
  tf: typeof tfjs;
  /** n images from G_ema (NHWC in [-1, 1]) with fixed noise, seeds start..start+n-1, ψ = 1. */
  sample: (n: number, seedStart: number) => tfjs.Tensor4D;
}

export interface TrainResult {
  runDir: string;
  curNimg: number;
  stoppedBy: 'done' | 'stop';
  lastCheckpoint: string | null;
  nanSkips: number;
  rollbacks: number;
}

interface LoopState {
  curNimg: number;
  batchIdx: number;
  tick: number;
  tickStartNimg: number;
  ada: AdaState;
  lrScale: number;
  consecutiveBad: number;
  rollbacks: number;
  nanSkips: number;
}

/** What a resumed run may change; everything else comes from its checkpoint. */
export const RESUME_OVERRIDABLE = [
  'kimg',
  'snap',
  'tickKimg',
  'timeLimitMin',
  'backend',
  'workers',
  'manifest',
  'data',
] as const;

/** The config after CLI overrides (γ, lr, batch, EMA). */
export function resolveConfig(o: TrainOptions): StyleGAN2Config {
  const config = stylegan2Config(o.cfg, { resolution: o.resolution, channels: o.channels, batch: o.batch });
  if (o.gamma !== undefined) config.r1Gamma = o.gamma;
  if (o.lr !== undefined) config.learningRate = o.lr;
  if (o.emaKimg !== undefined) config.emaKimg = o.emaKimg;
  if (o.channelBase !== undefined) config.channelBase = o.channelBase;
  if (o.channelMax !== undefined) config.channelMax = o.channelMax;
  if (o.mappingLayers !== undefined) config.mappingLayers = o.mappingLayers;
  return config;
}

/** z for a seed, as NVlabs' generate.py draws one latent per seed. */
export function latentForSeed(seed: number, zDim: number): Float32Array {
  return new Rng(seed).normals(zDim);
}

class Trainer {
  readonly config: StyleGAN2Config;
  readonly model: StyleGAN2;
  readonly Gema: Generator;
  /** Drives augmentation draws; checkpointed. */
  readonly augRng: Rng;
  state: LoopState;
  private readonly stats = new StatCollector();
  private readonly gridZ: Float32Array;
  private readonly startTime = Date.now();
  private tickStartTime = Date.now();
  private lastCheckpoint: string | null = null;

  constructor(
    readonly tf: typeof tfjs,
    readonly opts: TrainOptions,
    readonly runDir: string,
    readonly backendName: string,
    readonly log: RunLog,
    readonly hooks: TrainHooks,
  ) {
    this.config = resolveConfig(opts);
    this.model = createStyleGAN2(this.config, opts.seed);
    this.Gema = new Generator(this.config, opts.seed);
    copyWeights(this.model.G.store, this.Gema.store);
    this.augRng = new Rng(opts.seed ^ 0x41444121);
    const [cols, rows] = opts.grid;
    this.gridZ = new Float32Array(cols * rows * this.config.zDim);
    for (let i = 0; i < cols * rows; i++)
      this.gridZ.set(latentForSeed(i, this.config.zDim), i * this.config.zDim);
    this.state = {
      curNimg: 0,
      batchIdx: 0,
      tick: 0,
      tickStartNimg: 0,
      ada: initialAda(opts.aug === 'noaug' ? 0 : opts.p),
      lrScale: 1,
      consecutiveBad: 0,
      rollbacks: 0,
      nanSkips: 0,
    };
  }

  get batch(): number {
    return this.config.batch;
  }

  private applyLrScale(): void {
    for (const [opt, interval] of [
      [this.model.optG, this.config.gRegInterval],
      [this.model.optD, this.config.dRegInterval],
    ] as const) {
      opt.params = { ...lazyAdamParams(this.config, interval) };
      opt.params.learningRate *= this.state.lrScale;
    }
  }

  // ---------------------------------------------------------------- checkpoints

  toCheckpoint(): Checkpoint {
    const s = this.model.serialize();
    return {
      meta: {
        format: 'portrait-forge-stylegan2-training/1',
        options: this.opts,
        config: this.config,
        state: this.state,
        plMean: s.plMean,
        rng: {
          aug: this.augRng.state(),
          model: this.model.rng.getState(),
          G: this.model.G.rng.getState(),
          Gema: this.Gema.rng.getState(),
        },
        kimg: this.state.curNimg / 1000,
        savedAt: new Date().toISOString(),
      },
      groups: { G: s.G, D: s.D, G_ema: serializeWeights(this.Gema.store), 'opt/G': s.optG, 'opt/D': s.optD },
    };
  }

  restore(ckpt: Checkpoint, label: string): void {
    const meta = ckpt.meta as {
      state: LoopState;
      plMean: number;
      rng: { aug: RngState; model: number; G: number; Gema: number };
    };
    const g = ckpt.groups;
    for (const k of ['G', 'D', 'G_ema', 'opt/G', 'opt/D']) {
      if (!g[k])
        throw new Error(`${label}: checkpoint lacks tensor group ${k}; it was not written by this trainer.`);
    }
    const asPlain = (group: string) => g[group] as ReturnType<typeof serializeWeights>;
    this.model.load(
      {
        config: this.config,
        G: asPlain('G'),
        D: asPlain('D'),
        optG: asPlain('opt/G'),
        optD: asPlain('opt/D'),
        plMean: meta.plMean,
      },
      label,
    );
    deserializeWeights(this.Gema.store, asPlain('G_ema'), `${label} (G_ema)`);
    this.augRng.restore(meta.rng.aug);
    this.model.rng.setState(meta.rng.model);
    this.model.G.rng.setState(meta.rng.G);
    this.Gema.rng.setState(meta.rng.Gema);
    this.state = { ...meta.state };
    this.applyLrScale();
  }

  checkpoint(): string | null {
    const file = join(this.runDir, checkpointName(this.state.curNimg / 1000));
    try {
      saveCheckpoint(file, this.toCheckpoint(), this.hooks.checkpointWriteHook);
      this.lastCheckpoint = file;
      return file;
    } catch (err) {
      // The previous checkpoint is untouched (atomic write); keep training and retry at the next snapshot.
      this.log.line(
        `WARNING: checkpoint ${file} not written (${(err as Error).message}); previous checkpoint kept.`,
      );
      return null;
    }
  }

  // ---------------------------------------------------------------- one minibatch

  private augment(): ((img: tfjs.Tensor4D) => tfjs.Tensor4D) | undefined {
    const p = this.state.ada.p;
    if (this.opts.aug === 'noaug' || p <= 0) return undefined;
    return (img) => augmentBatch(this.tf, img, p, this.augRng);
  }

  async step(batchData: Float32Array, shape: [number, number, number, number]): Promise<void> {
    const { tf, state, model } = this;
    this.hooks.corruptReals?.(state.batchIdx, batchData);
    const real = tf.tensor4d(batchData, shape);
    let ok = true;
    try {
      for (const phase of model.phasesFor(state.batchIdx)) {
        const s = await model.trainPhase(phase, { real }, { augment: this.augment(), skipNonFinite: true });
        if (s.skipped) {
          ok = false;
          this.log.line(
            `non-finite loss or gradient in ${phase} at kimg ${(state.curNimg / 1000).toFixed(3)}: step skipped`,
          );
          break;
        }
        if (this.opts.aug === 'ada' && s.signsReal !== undefined) {
          state.ada = accumulateSigns(state.ada, s.signsReal, real.shape[0]);
        }
        this.report(s);
      }
    } finally {
      real.dispose();
    }
    state.nanSkips += ok ? 0 : 1;
    state.consecutiveBad = ok ? 0 : state.consecutiveBad + 1;
    // G_ema (NVlabs: after the phases, with cur_nimg before the increment).
    const beta = emaBeta(this.batch, this.config.emaKimg, this.config.emaRampup, state.curNimg);
    lerpWeights(this.Gema.store, this.model.G.store, beta);
    state.curNimg += this.batch;
    state.batchIdx += 1;
    if (this.opts.aug === 'ada') {
      state.ada = maybeAdjust(state.ada, state.batchIdx, {
        target: this.opts.target,
        interval: this.opts.adaInterval,
        adaKimg: this.opts.adaKimg,
        batch: this.batch,
      });
    }
  }

  private report(s: PhaseStats): void {
    const st = this.stats;
    st.report('Loss/scores/fake', s.scoresFake);
    st.report('Loss/scores/real', s.scoresReal);
    st.report('Loss/signs/real', s.signsReal);
    st.report('Loss/G/loss', s.gLoss);
    st.report('Loss/D/loss', s.dLoss);
    st.report('Loss/r1_penalty', s.r1Penalty);
    st.report('Loss/pl_penalty', s.plPenalty);
  }

  // ---------------------------------------------------------------- rollback

  /** Reloads the newest checkpoint with the LR halved; returns false when none exists or the budget is spent. */
  rollback(): boolean {
    const ckpts = listCheckpoints(this.runDir);
    if (!ckpts.length || this.state.rollbacks >= this.opts.maxRollbacks) return false;
    const { rollbacks, nanSkips, lrScale } = this.state;
    this.restore(loadCheckpoint(ckpts[0]), ckpts[0]);
    this.state.rollbacks = rollbacks + 1;
    this.state.nanSkips = nanSkips;
    this.state.lrScale = lrScale / 2;
    this.state.consecutiveBad = 0;
    this.applyLrScale();
    this.log.line(
      `rolled back to ${ckpts[0]} after ${this.opts.nanRollbackAfter} non-finite steps; learning rate ×${this.state.lrScale}`,
    );
    return true;
  }

  // ---------------------------------------------------------------- ticks and snapshots

  sampleGema(n: number, seedStart: number): tfjs.Tensor4D {
    const { tf, config } = this;
    return tf.tidy(() => {
      const z = new Float32Array(n * config.zDim);
      for (let i = 0; i < n; i++) z.set(latentForSeed(seedStart + i, config.zDim), i * config.zDim);
      return this.Gema.generate(tf.tensor2d(z, [n, config.zDim]), { noiseMode: 'const' });
    });
  }

  async saveFakes(file: string): Promise<void> {
    const [cols, rows] = this.opts.grid;
    const n = cols * rows;
    const imgs = this.tf.tidy(() =>
      this.Gema.generate(this.tf.tensor2d(this.gridZ, [n, this.config.zDim]), { noiseMode: 'const' }),
    );
    const data = (await imgs.data()) as Float32Array;
    const shape = imgs.shape as [number, number, number, number];
    imgs.dispose();
    await saveImageGrid(file, data, shape, cols);
  }

  tickDue(done: boolean): boolean {
    return done || this.state.curNimg >= this.state.tickStartNimg + this.opts.tickKimg * 1000;
  }

  async endTick(done: boolean): Promise<void> {
    const { state, opts } = this;
    const now = Date.now();
    const tickSec = (now - this.tickStartTime) / 1000;
    const tickKimg = (state.curNimg - state.tickStartNimg) / 1000;
    const means = {
      g: this.stats.mean('Loss/G/loss'),
      d: this.stats.mean('Loss/D/loss'),
      r1: this.stats.mean('Loss/r1_penalty'),
      pl: this.stats.mean('Loss/pl_penalty'),
    };
    const totalSec = (now - this.startTime) / 1000;
    const secPerKimg = tickKimg > 0 ? tickSec / tickKimg : 0;
    const rssGb = process.memoryUsage().rss / 2 ** 30;
    this.log.line(
      formatTick({
        tick: state.tick,
        kimg: state.curNimg / 1000,
        totalKimg: opts.kimg,
        totalSec,
        secPerTick: tickSec,
        secPerKimg,
        gLoss: means.g,
        dLoss: means.d,
        r1: means.r1,
        pl: means.pl,
        augmentP: state.ada.p,
        backend: this.backendName,
        rssGb,
        tensors: this.tf.memory().numTensors,
      }),
    );
    const maintenanceStart = Date.now();
    this.stats.report('Progress/tick', state.tick);
    this.stats.report('Progress/kimg', state.curNimg / 1000);
    this.stats.report('Progress/augment', state.ada.p);
    this.stats.report('Progress/lr_scale', state.lrScale);
    this.stats.report('Timing/total_sec', totalSec);
    this.stats.report('Timing/sec_per_tick', tickSec);
    this.stats.report('Timing/sec_per_kimg', secPerKimg);
    this.stats.report('Timing/total_hours', totalSec / 3600);
    this.stats.report('Timing/total_days', totalSec / 86400);
    this.stats.report('Resources/cpu_mem_gb', rssGb);
    this.stats.report('Resources/num_tensors', this.tf.memory().numTensors);
    const record = { ...this.stats.flush(), timestamp: Date.now() / 1000 };
    appendJsonl(join(this.runDir, 'stats.jsonl'), record);
    if (done || state.tick % opts.snap === 0) await this.snapshot();
    this.log.line(`  maintenance ${((Date.now() - maintenanceStart) / 1000).toFixed(1)} s`);
    state.tick += 1;
    state.tickStartNimg = state.curNimg;
    this.tickStartTime = Date.now();
  }

  async snapshot(): Promise<void> {
    const kimg = this.state.curNimg / 1000;
    await this.saveFakes(join(this.runDir, fakesName(this.state.curNimg)));
    const file = this.checkpoint();
    if (file) this.log.line(`  checkpoint ${file}`);
    if (this.hooks.onSnapshot) {
      try {
        const figures = await this.hooks.onSnapshot({
          runDir: this.runDir,
          kimg,
          tf: this.tf,
          sample: (n, s) => this.sampleGema(n, s),
        });
        for (const [metric, value] of Object.entries(figures)) {
          this.log.line(`  ${metric} ${value.toFixed(4)}`);
          appendJsonl(join(this.runDir, `metric-${metric.replace(/[^A-Za-z0-9_.[\]-]/g, '_')}.jsonl`), {
            results: { [metric]: value },
            metric,
            kimg,
            snapshot_ckpt: file,
            timestamp: Date.now() / 1000,
          });
        }
      } catch (err) {
        this.log.line(`  metrics failed at kimg ${kimg}: ${(err as Error).message}`);
      }
    }
  }

  get lastCheckpointFile(): string | null {
    return this.lastCheckpoint;
  }

  dispose(): void {
    this.model.dispose();
    this.Gema.dispose();
  }
}

/** `fakes000012.png` as SG2-ADA (kimg); runs with sub-kimg ticks get `fakes000012.345.png` so names stay unique. */
export function fakesName(curNimg: number): string {
  const kimg = Math.floor(curNimg / 1000);
  const frac = curNimg % 1000;
  return `fakes${String(kimg).padStart(6, '0')}${frac ? `.${String(frac).padStart(3, '0')}` : ''}.png`;
}

function describeRun(o: TrainOptions, source: ImageSource): string {
  return `${o.name ?? source.name}-${o.cfg}`;
}

/**
 * Trains StyleGAN2 as SG2-ADA's training_loop does: per minibatch the phases Gmain, Greg (every 4),
 * Dmain, Dreg (every 16), then G_ema and the ADA heuristic; per tick a progress line and stats.jsonl;
 * per snapshot a fakes grid, an atomic checkpoint and optional metrics.
 */
export async function train(input: TrainOptions, hooks: TrainHooks = {}): Promise<TrainResult> {
  const echo = hooks.echo ?? ((l: string) => process.stdout.write(l + '\n'));
  let opts = input;
  let resumeCkpt: Checkpoint | null = null;
  let resumeFile: string | null = null;
  let resumedDir: string | null = null;
  if (input.resume) {
    resumeFile = resolveResume(input.resume, input.outdir);
    resumeCkpt = loadCheckpoint(resumeFile);
    // The run keeps its definition; only its length, snapshot interval, time limit, backend, loader
    // workers and data location may change (CLI: only the ones given explicitly).
    const stored = (resumeCkpt.meta as { options: TrainOptions }).options;
    const take = <K extends (typeof RESUME_OVERRIDABLE)[number]>(k: K): TrainOptions[K] =>
      (input.explicit ? input.explicit.includes(k) : input[k] !== undefined) ? input[k] : stored[k];
    opts = { ...stored, resume: input.resume };
    for (const k of RESUME_OVERRIDABLE) (opts as unknown as Record<string, unknown>)[k] = take(k);
    resumedDir = dirname(resumeFile);
  }
  const { tf, backendName } = await initTf({ backend: opts.backend, log: echo });
  const source = await openSource({ manifest: opts.manifest, data: opts.data });
  const runDir = resumedDir ?? createRunDir(opts.outdir, describeRun(opts, source));
  removeStaleTemps(runDir);
  const log = new RunLog(join(runDir, 'log.txt'), echo);
  const trainer = new Trainer(tf, opts, runDir, backendName, log, hooks);
  if (resumeCkpt && resumeFile) {
    trainer.restore(resumeCkpt, resumeFile);
    log.line(`resumed from ${resumeFile} at kimg ${(trainer.state.curNimg / 1000).toFixed(3)}`);
  } else {
    writeFileSync(
      join(runDir, 'training_options.json'),
      JSON.stringify(
        {
          ...opts,
          config: trainer.config,
          dataset: source.description,
          num_images: source.size,
          backend: backendName,
        },
        null,
        2,
      ),
    );
    log.line(`run dir ${runDir}`);
    log.line(
      `dataset ${source.description}: ${source.size} images at ${opts.resolution}² × ${opts.channels}`,
    );
    log.line(`config ${opts.cfg}: ${JSON.stringify(trainer.config)}`);
  }
  let loader = makeLoader(source, opts, trainer.batch, trainer.state.curNimg, log);
  if (!existsSync(join(runDir, 'reals.png'))) {
    const [cols, rows] = opts.grid;
    const reals = await loader.peek(0, cols * rows);
    await saveImageGrid(join(runDir, 'reals.png'), reals.data, reals.shape, cols);
    await trainer.saveFakes(join(runDir, 'fakes_init.png'));
  }
  log.line(`training for ${opts.kimg} kimg from kimg ${(trainer.state.curNimg / 1000).toFixed(3)} …`);
  const totalNimg = opts.kimg * 1000;
  const startNimg = trainer.state.curNimg;
  const deadline = opts.timeLimitMin !== undefined ? Date.now() + opts.timeLimitMin * 60_000 : Infinity;
  let stoppedBy: TrainResult['stoppedBy'] = 'done';
  try {
    for (;;) {
      const batch = await loader.nextBatch();
      await trainer.step(batch.data, batch.shape);
      if (trainer.state.consecutiveBad >= opts.nanRollbackAfter) {
        if (!trainer.rollback()) {
          throw new Error(
            `training diverged: ${opts.nanRollbackAfter} consecutive non-finite steps and no rollback left (${trainer.state.rollbacks} done); lower --lr or raise --gamma.`,
          );
        }
        await loader.close();
        loader = makeLoader(
          await openSource({ manifest: opts.manifest, data: opts.data }),
          opts,
          trainer.batch,
          trainer.state.curNimg,
          log,
        );
        continue;
      }
      const outOfTime = Date.now() >= deadline;
      // A time limit ends like a finished run (last tick, fakes, checkpoint, metrics); a stop request only checkpoints.
      const done = trainer.state.curNimg >= totalNimg || outOfTime;
      const stop =
        !done &&
        ((hooks.shouldStop?.() ?? false) ||
          (hooks.stopAtNimg !== undefined && trainer.state.curNimg - startNimg >= hooks.stopAtNimg));
      if (trainer.tickDue(done)) await trainer.endTick(done);
      if (outOfTime)
        log.line(`time limit of ${opts.timeLimitMin} min reached; continue with --resume latest`);
      if (done) break;
      if (stop) {
        stoppedBy = 'stop';
        const file = trainer.checkpoint();
        log.line(
          `stopped at kimg ${(trainer.state.curNimg / 1000).toFixed(3)}; checkpoint ${file ?? '(not written)'}`,
        );
        break;
      }
    }
  } finally {
    await loader.close();
  }
  const result: TrainResult = {
    runDir,
    curNimg: trainer.state.curNimg,
    stoppedBy,
    lastCheckpoint: trainer.lastCheckpointFile,
    nanSkips: trainer.state.nanSkips,
    rollbacks: trainer.state.rollbacks,
  };
  if (stoppedBy === 'done') log.line(`done: ${(result.curNimg / 1000).toFixed(3)} kimg`);
  trainer.dispose();
  return result;
}

/** Temp files of checkpoint writes killed mid-way (the real checkpoints are untouched). */
function removeStaleTemps(runDir: string): void {
  for (const f of readdirSync(runDir))
    if (/^\.network-snapshot-.*\.tmp$/.test(f)) rmSync(join(runDir, f), { force: true });
}

function makeLoader(
  source: ImageSource,
  opts: TrainOptions,
  batch: number,
  start: number,
  log: RunLog,
): ImageLoader {
  return new ImageLoader(source, {
    resolution: opts.resolution,
    channels: opts.channels,
    batch,
    seed: opts.seed,
    mirror: opts.mirror,
    start,
    concurrency: opts.workers,
    prefetch: 2,
    onBadImage: (label, reason) => log.line(`WARNING: skipped unreadable image ${label}: ${reason}`),
  });
}
