import { join } from 'node:path';
import type * as tfjs from '@tensorflow/tfjs';
import {
  Generator,
  copyWeights,
  createStyleGAN2,
  deserializeWeights,
  lazyAdamParams,
  lerpWeights,
  serializeWeights,
  type PlainWeights,
  type StyleGAN2,
  type StyleGAN2Config,
} from '@portrait-forge/stylegan2';
import { checkpointName, STAT } from '@portrait-forge/run-format';
import type { WriteHook } from '@portrait-forge/files';
import { accumulateSigns, initialAda, maybeAdjust } from './ada';
import { augmentBatch } from './augment';
import { diffAugment } from './diffaugment';
import { listCheckpoints } from './checkpoint';
import type { NetworkGroup } from './network-checkpoint';
import { freezeDiscriminatorLayers } from './transfer';
import { emaBeta } from './ema';
import { resolveConfig, resolveRecipe, type TrainOptions } from './options';
import { lodCrossed, progressiveSchedule, realsAtLod } from './progressive-schedule';
import { scheduleAt, type Recipe, type ScheduledValues } from './schedules';
import { Sfc32 } from '@portrait-forge/random';
import type { RunLog } from './run-dir';
import { reportPhase, StatCollector } from './tick-stats';
import {
  loadTrainingCheckpoint,
  saveTrainingCheckpoint,
  TRAINING_CHECKPOINT_FORMAT,
  type LoopState,
  type TrainingCheckpoint,
} from './training-checkpoint';

/** Networks, optimisers, G_ema, the augmentation stream and the loop counters of one run. */
export class Trainer {
  /** The run's config as resolved from its options (the model holds a copy whose γ follows the schedule). */
  readonly config: StyleGAN2Config;
  readonly recipe: Recipe;
  readonly model: StyleGAN2;
  readonly Gema: Generator;
  /** Drives augmentation draws; checkpointed. */
  readonly augRng: Sfc32;
  readonly stats = new StatCollector();
  state: LoopState;
  lastCheckpoint: string | null = null;
  /** D layers `--freezed` keeps fixed (SG2-ADA transfer learning). */
  readonly frozenLayers: string[];

  constructor(
    readonly tf: typeof tfjs,
    readonly opts: TrainOptions,
    readonly runDir: string,
    readonly log: RunLog,
    private readonly checkpointWriteHook?: WriteHook,
  ) {
    this.config = resolveConfig(opts);
    this.recipe = resolveRecipe(opts, this.config);
    this.model = createStyleGAN2({ ...this.config }, opts.seed);
    this.frozenLayers = freezeDiscriminatorLayers(this.model.D.store, opts.freezed);
    this.Gema = new Generator(this.config, opts.seed);
    copyWeights(this.model.G.store, this.Gema.store);
    this.augRng = new Sfc32(opts.seed ^ 0x41444121);
    this.state = {
      curNimg: 0,
      batchIdx: 0,
      tick: 0,
      tickStartNimg: 0,
      ada: initialAda(opts.aug === 'noaug' ? 0 : opts.p),
      lrScale: 1,
      lod: progressiveSchedule(this.config, 0).lod,
      consecutiveBad: 0,
      rollbacks: 0,
      nanSkips: 0,
    };
    this.applySchedule();
  }

  /** The minibatch of the next step (progressive growing changes it by resolution). */
  get batch(): number {
    return progressiveSchedule(this.config, this.state.curNimg).batch;
  }

  /** Progressive growing: the optimisers restart when a resolution starts or ends fading in (NVlabs). */
  private followProgressiveSchedule(): void {
    const { lod } = progressiveSchedule(this.config, this.state.curNimg);
    if (lodCrossed(this.state.lod, lod)) {
      this.model.optG.reset();
      this.model.optD.reset();
    }
    this.state.lod = lod;
    this.stats.report(STAT.lod, lod);
    this.stats.report(STAT.minibatch, this.batch);
  }

  /**
   * The learning rates and γ in force now: the recipe's schedules at the current kimg, LR × the rollback
   * scale × progressive growing's per-resolution factor.
   */
  scheduled(): ScheduledValues {
    const at = scheduleAt(this.recipe, this.state.curNimg / 1000);
    const scale =
      this.state.lrScale * progressiveSchedule(this.config, this.state.curNimg).learningRateFactor;
    return { ...at, gLr: at.gLr * scale, dLr: at.dLr * scale };
  }

  /** Sets the optimisers' LR, the loss's γ and the networks' lod for the next minibatch (pure functions of kimg). */
  private applySchedule(): void {
    const { gLr, dLr, r1Gamma } = this.scheduled();
    this.model.optG.params = lazyAdamParams({ ...this.config, learningRate: gLr }, this.config.gRegInterval);
    this.model.optD.params = lazyAdamParams({ ...this.config, learningRate: dLr }, this.config.dRegInterval);
    this.model.config.r1Gamma = r1Gamma;
    const { lod } = progressiveSchedule(this.config, this.state.curNimg);
    this.model.setLod(lod);
    this.Gema.lod = lod;
  }

  // ---------------------------------------------------------------- checkpoints

  toCheckpoint(): TrainingCheckpoint {
    const s = this.model.serialize();
    return {
      meta: {
        format: TRAINING_CHECKPOINT_FORMAT,
        options: this.opts,
        config: this.config,
        state: this.state,
        plMean: s.plMean,
        tickStats: this.stats.state(),
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

  /** Transfer learning: a new run starts from these networks (SG2-ADA --resume); optimisers and counters start fresh. */
  startFrom(groups: Record<NetworkGroup, PlainWeights>, label: string): void {
    deserializeWeights(this.model.G.store, groups.G, `${label} (G)`);
    deserializeWeights(this.model.D.store, groups.D, `${label} (D)`);
    deserializeWeights(this.Gema.store, groups.G_ema, `${label} (G_ema)`);
  }

  restore(ckpt: TrainingCheckpoint, label: string): void {
    const { meta, groups } = ckpt;
    this.model.load(
      {
        config: this.config,
        G: groups.G,
        D: groups.D,
        optG: groups['opt/G'],
        optD: groups['opt/D'],
        plMean: meta.plMean,
      },
      label,
    );
    deserializeWeights(this.Gema.store, groups.G_ema, `${label} (G_ema)`);
    this.augRng.restore(meta.rng.aug);
    this.model.rng.setState(meta.rng.model);
    this.model.G.rng.setState(meta.rng.G);
    this.Gema.rng.setState(meta.rng.Gema);
    this.state = { ...meta.state };
    this.stats.restore(meta.tickStats);
    this.applySchedule();
  }

  /** Writes network-snapshot-<nimg>.ckpt; on failure logs a warning and returns null (training goes on). */
  checkpoint(): string | null {
    const file = join(this.runDir, checkpointName(this.state.curNimg / 1000));
    try {
      saveTrainingCheckpoint(file, this.toCheckpoint(), this.checkpointWriteHook);
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
    if (this.opts.aug === 'diffaug') return (img) => diffAugment(this.tf, img, this.augRng);
    const p = this.state.ada.p;
    if (this.opts.aug === 'noaug' || p <= 0) return undefined;
    return (img) => augmentBatch(this.tf, img, p, this.augRng);
  }

  /** The phases of one minibatch, then G_ema and the ADA heuristic (NVlabs training_loop order). */
  async step(
    batchData: Float32Array,
    shape: [number, number, number, number],
    corruptReals?: (batchIdx: number, data: Float32Array) => void,
  ): Promise<void> {
    const { tf, state, model } = this;
    corruptReals?.(state.batchIdx, batchData);
    this.followProgressiveSchedule();
    this.applySchedule();
    const real = tf.tidy(() => realsAtLod(tf.tensor4d(batchData, shape), state.lod));
    let ok = true;
    try {
      for (const phase of model.phasesFor(state.batchIdx)) {
        const s = await model.trainPhase(phase, { real }, { augment: this.augment(), skipNonFinite: true });
        reportPhase(this.stats, s);
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

  // ---------------------------------------------------------------- rollback

  /** Reloads the newest checkpoint with the LR halved; returns false when none exists or the budget is spent. */
  rollback(): boolean {
    const ckpts = listCheckpoints(this.runDir);
    if (!ckpts.length || this.state.rollbacks >= this.opts.maxRollbacks) return false;
    const { rollbacks, nanSkips, lrScale } = this.state;
    const pending = this.stats.state(); // the non-finite evidence goes into the next stats line
    this.restore(loadTrainingCheckpoint(ckpts[0]), ckpts[0]);
    this.stats.restore(pending);
    this.state.rollbacks = rollbacks + 1;
    this.state.nanSkips = nanSkips;
    this.state.lrScale = lrScale / 2;
    this.state.consecutiveBad = 0;
    this.applySchedule();
    this.log.line(
      `rolled back to ${ckpts[0]} after ${this.opts.nanRollbackAfter} non-finite steps; learning rate ×${this.state.lrScale}`,
    );
    return true;
  }

  dispose(): void {
    this.model.dispose();
    this.Gema.dispose();
  }
}
