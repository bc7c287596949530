import { existsSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { isAtomicTempOf, type WriteHook } from '@portrait-forge/files';
import {
  CHECKPOINT_RE,
  FAKES_INIT_GRID,
  LOG_FILE,
  REALS_GRID,
  STAT,
  STATS_FILE,
  fakesGridName,
} from '@portrait-forge/run-format';
import { initTf } from '@portrait-forge/tf-runtime';
import { UsageError } from '@portrait-forge/cli';
import { saveImageGrid } from './grid';
import { ImageLoader } from './loader';
import {
  TrainOptionsSchema,
  resolveTrainOptions,
  resumeTrainOptions,
  type TrainOptions,
  type TrainOptionsInput,
} from './options';
import { formatTick } from './progress';
import {
  ABANDONED_SUFFIX,
  RunLog,
  appendJsonl,
  createRunDir,
  resolveResume,
  setAsideRecordsAfter,
  writeTrainingOptions,
} from './run-dir';
import {
  recordSnapshotFigures,
  sampleGenerator,
  saveFakesGrid,
  type SnapshotContext,
  type SnapshotFigures,
} from './snapshot';
import { logTickScalars } from './tensorboard-log';
import { tickRecord } from './tick-stats';
import { alertLines, LiveMonitor } from './live-monitor';
import type { MonitorThresholds } from '@portrait-forge/metrics';
import { Trainer } from './trainer';
import { loadTrainingCheckpoint, type TrainingCheckpoint } from './training-checkpoint';
import { loadCheckpoint } from './checkpoint';
import { NETWORK_CHECKPOINT_FORMAT, loadNetworks } from './network-checkpoint';
import { checkTransferArchitecture } from './transfer';
import { frozenManifestSource } from './dataset-list';
import { openSource, type ImageSource } from './sources';

/** Optional instrumentation: metrics at snapshots, stop requests, and fault injection for tests. */
export interface TrainHooks {
  /** Called at every snapshot with a sampler of G_ema; returned figures go to log.txt and metric-*.jsonl. */
  onSnapshot?: (ctx: SnapshotContext) => Promise<SnapshotFigures>;
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
  /** Overrides of the failure-mode monitor's thresholds (tests: make a rule fire on a tiny run). */
  monitorThresholds?: Partial<MonitorThresholds>;
}

export interface TrainResult {
  runDir: string;
  curNimg: number;
  /** `alert`: the monitor raised an alert and --on-alert is stop. */
  stoppedBy: 'done' | 'stop' | 'alert';
  lastCheckpoint: string | null;
  nanSkips: number;
  rollbacks: number;
}

/** Networks a new run starts from (transfer learning): a network checkpoint, or a run's checkpoint on other data. */
interface TransferSource {
  file: string;
  networks: ReturnType<typeof loadNetworks>;
}

function isTransfer(file: string, requested: TrainOptions): boolean {
  const { meta } = loadCheckpoint(file);
  if (meta['format'] === NETWORK_CHECKPOINT_FORMAT) return true;
  const stored = TrainOptionsSchema.safeParse(meta['options']);
  const given = requested.manifest ?? requested.data;
  return stored.success && given !== undefined && given !== (stored.data.manifest ?? stored.data.data);
}

/** The run's options: a new run's from `given` and the defaults; a resumed run's from its checkpoint. */
function startingPoint(given: TrainOptionsInput): {
  opts: TrainOptions;
  resumed: { file: string; ckpt: TrainingCheckpoint } | null;
  transfer: TransferSource | null;
} {
  const requested = resolveTrainOptions(given);
  if (!requested.resume) return { opts: requested, resumed: null, transfer: null };
  const file = resolveResume(requested.resume, requested.outdir);
  if (isTransfer(file, requested)) {
    if (!requested.manifest && !requested.data)
      throw new UsageError(
        `--resume ${file} holds networks only: transfer learning needs --data DIR|ZIP or --manifest PATH.`,
      );
    return { opts: requested, resumed: null, transfer: { file, networks: loadNetworks(file) } };
  }
  const ckpt = loadTrainingCheckpoint(file);
  return {
    opts: resumeTrainOptions(ckpt.meta.options, given, `--resume ${file}`),
    resumed: { file, ckpt },
    transfer: null,
  };
}

/**
 * Trains StyleGAN2 as SG2-ADA's training_loop does: per minibatch the phases Gmain, Greg (every 4),
 * Dmain, Dreg (every 16), then G_ema and the ADA heuristic; per tick a progress line and stats.jsonl;
 * per snapshot a fakes grid, an atomic checkpoint and optional metrics. `given`: the options a person
 * set (a config preset, flags); on resume only the resumable ones may differ from the run's.
 */
export async function train(given: TrainOptionsInput, hooks: TrainHooks = {}): Promise<TrainResult> {
  const echo = hooks.echo ?? ((l: string) => process.stdout.write(l + '\n'));
  const { opts, resumed, transfer } = startingPoint(given);
  const { tf, backendName } = await initTf({ backend: opts.backend, log: echo });
  const named = await openSource({ manifest: opts.manifest, data: opts.data });
  const runDir = resumed
    ? dirname(resumed.file)
    : createRunDir(opts.outdir, `${opts.name ?? named.name}-${opts.cfg}`);
  removeStaleTemps(runDir);
  const log = new RunLog(join(runDir, LOG_FILE), echo);
  // A manifest's kept set is frozen in the run dir (dataset-list.ts): resume and rollback read it back.
  const openData = async (fresh: boolean) =>
    opts.manifest
      ? frozenManifestSource(runDir, opts.manifest, (l) => log.line(l), { fresh })
      : fresh
        ? named
        : openSource({ data: opts.data });
  const source = await openData(!resumed);
  const trainer = new Trainer(tf, opts, runDir, log, hooks.checkpointWriteHook);
  if (resumed) {
    trainer.restore(resumed.ckpt, resumed.file);
    const kimg = trainer.state.curNimg / 1000;
    log.line(`resumed from ${resumed.file} at kimg ${kimg.toFixed(3)}`);
    for (const [file, lines] of Object.entries(setAsideRecordsAfter(runDir, kimg)))
      log.line(
        `  ${file}: ${lines} line(s) past kimg ${kimg.toFixed(3)} (the run went on past its last checkpoint) moved to ${file}${ABANDONED_SUFFIX}`,
      );
  } else {
    if (transfer) {
      checkTransferArchitecture(trainer.config, transfer.networks.config, transfer.file);
      trainer.startFrom(transfer.networks.groups, transfer.file);
    }
    writeTrainingOptions(runDir, {
      ...opts,
      config: trainer.config,
      dataset: source.description,
      num_images: source.size,
      backend_name: backendName,
    });
    log.line(`run dir ${runDir}`);
    log.line(
      `dataset ${source.description}: ${source.size} images at ${opts.resolution}² × ${opts.channels}`,
    );
    log.line(`config ${opts.cfg}: ${JSON.stringify(trainer.config)}`);
    if (transfer) log.line(`transfer learning: new run from the G, D and G_ema of ${transfer.file}`);
    if (trainer.frozenLayers.length)
      log.line(`--freezed ${opts.freezed}: D layers ${trainer.frozenLayers.join(', ')} frozen`);
  }
  const monitor = resumed
    ? LiveMonitor.replay(runDir, trainer.state.curNimg / 1000, hooks.monitorThresholds)
    : new LiveMonitor(hooks.monitorThresholds);
  let loader = makeLoader(source, opts, trainer.batch, trainer.state.curNimg, log);
  if (!existsSync(join(runDir, REALS_GRID))) {
    const [cols, rows] = opts.grid;
    const reals = await loader.peek(0, cols * rows);
    await saveImageGrid(join(runDir, REALS_GRID), reals.data, reals.shape, cols);
    await saveFakesGrid(tf, trainer.Gema, trainer.config, opts.grid, join(runDir, FAKES_INIT_GRID));
  }
  log.line(`training for ${opts.kimg} kimg from kimg ${(trainer.state.curNimg / 1000).toFixed(3)} …`);
  const clock = { start: Date.now(), tickStart: Date.now() };
  const totalNimg = opts.kimg * 1000;
  const startNimg = trainer.state.curNimg;
  const deadline = opts.timeLimitMin !== undefined ? Date.now() + opts.timeLimitMin * 60_000 : Infinity;
  let stoppedBy: TrainResult['stoppedBy'] = 'done';
  try {
    for (;;) {
      if (loader.batch !== trainer.batch) {
        // Progressive growing changed the minibatch: continue the same sample order at the new size.
        await loader.close();
        loader = makeLoader(await openData(false), opts, trainer.batch, trainer.state.curNimg, log);
      }
      const batch = await loader.nextBatch();
      await trainer.step(batch.data, batch.shape, hooks.corruptReals);
      if (trainer.state.consecutiveBad >= opts.nanRollbackAfter) {
        if (!trainer.rollback()) {
          throw new Error(
            `training diverged: ${opts.nanRollbackAfter} consecutive non-finite steps and no rollback left (${trainer.state.rollbacks} done); lower --lr or raise --gamma.`,
          );
        }
        await loader.close();
        loader = makeLoader(await openData(false), opts, trainer.batch, trainer.state.curNimg, log);
        continue;
      }
      const outOfTime = Date.now() >= deadline;
      // A time limit ends like a finished run (last tick, fakes, checkpoint, metrics); a stop request only checkpoints.
      const done = trainer.state.curNimg >= totalNimg || outOfTime;
      const stop =
        !done &&
        ((hooks.shouldStop?.() ?? false) ||
          (hooks.stopAtNimg !== undefined && trainer.state.curNimg - startNimg >= hooks.stopAtNimg));
      const tickDue = done || trainer.state.curNimg >= trainer.state.tickStartNimg + opts.tickKimg * 1000;
      const alerted =
        tickDue && (await endTick(trainer, backendName, clock, done, hooks.onSnapshot, monitor));
      if (alerted && !done) {
        stoppedBy = 'alert';
        log.line(`stopped by the monitor's alert (--on-alert stop); continue with --resume latest`);
        break;
      }
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
    lastCheckpoint: trainer.lastCheckpoint,
    nanSkips: trainer.state.nanSkips,
    rollbacks: trainer.state.rollbacks,
  };
  if (stoppedBy === 'done') log.line(`done: ${(result.curNimg / 1000).toFixed(3)} kimg`);
  trainer.dispose();
  return result;
}

/**
 * Progress line, snapshot (every `snap` ticks and at the end) and stats.jsonl record of the tick, with
 * the monitor's `Alerts/<rule>`. The tick counter moves before the snapshot, so a checkpoint resumes at
 * the next tick as an uninterrupted run would. Returns true when an alert asks the run to stop.
 */
async function endTick(
  trainer: Trainer,
  backendName: string,
  clock: { start: number; tickStart: number },
  done: boolean,
  onSnapshot: TrainHooks['onSnapshot'],
  monitor: LiveMonitor,
): Promise<boolean> {
  const { state, opts, stats, tf, log } = trainer;
  const now = Date.now();
  const tickSec = (now - clock.tickStart) / 1000;
  const tickKimg = (state.curNimg - state.tickStartNimg) / 1000;
  const figures = {
    tick: state.tick,
    kimg: state.curNimg / 1000,
    totalKimg: opts.kimg,
    totalSec: (now - clock.start) / 1000,
    secPerTick: tickSec,
    secPerKimg: tickKimg > 0 ? tickSec / tickKimg : 0,
    gLoss: stats.mean(STAT.gLoss),
    dLoss: stats.mean(STAT.dLoss),
    r1: stats.mean(STAT.r1Penalty),
    pl: stats.mean(STAT.plPenalty),
    augmentP: state.ada.p,
    backend: backendName,
    rssGb: process.memoryUsage().rss / 2 ** 30,
    tensors: tf.memory().numTensors,
  };
  log.line(formatTick(figures));
  const maintenanceStart = Date.now();
  const schedule = { lrScale: state.lrScale, ...trainer.scheduled() };
  const ended = state.tick;
  state.tick += 1;
  state.tickStartNimg = state.curNimg;
  // The record is taken before the snapshot, so the checkpoint holds no statistics of the ended tick.
  const record = tickRecord(stats, figures, schedule, Date.now() / 1000);
  const snapshotDue = done || ended % opts.snap === 0;
  const snapFigures = snapshotDue ? await snapshot(trainer, onSnapshot) : {};
  const raised = monitor.observe(record, snapFigures);
  appendJsonl(join(trainer.runDir, STATS_FILE), record);
  logTickScalars(trainer.runDir, record, state.curNimg);
  for (const alert of raised) for (const line of alertLines(alert)) log.line(line);
  let stop = false;
  if (raised.length && opts.onAlert === 'snapshot' && !snapshotDue) await snapshot(trainer, onSnapshot);
  if (raised.length && opts.onAlert === 'stop') {
    if (!snapshotDue) trainer.checkpoint();
    stop = true;
  }
  log.line(`  maintenance ${((Date.now() - maintenanceStart) / 1000).toFixed(1)} s`);
  clock.tickStart = Date.now();
  return stop;
}

/** Fakes grid, checkpoint and the hook's figures (a failing hook is logged; training goes on). */
async function snapshot(trainer: Trainer, onSnapshot: TrainHooks['onSnapshot']): Promise<SnapshotFigures> {
  const { tf, runDir, log, config, Gema } = trainer;
  const kimg = trainer.state.curNimg / 1000;
  await saveFakesGrid(
    tf,
    Gema,
    config,
    trainer.opts.grid,
    join(runDir, fakesGridName(trainer.state.curNimg)),
  );
  const file = trainer.checkpoint();
  if (file) log.line(`  checkpoint ${file}`);
  if (!onSnapshot) return {};
  try {
    const start = Date.now();
    const figures = await onSnapshot({
      runDir,
      options: trainer.opts,
      kimg,
      tf,
      sample: (n, seedStart) => sampleGenerator(tf, Gema, config, n, seedStart),
    });
    recordSnapshotFigures(runDir, log, figures, trainer.state.curNimg, file, (Date.now() - start) / 1000);
    return figures;
  } catch (err) {
    log.line(`  metrics failed at kimg ${kimg}: ${(err as Error).message}`);
    return {};
  }
}

/** Temp files of checkpoint writes killed mid-way (the real checkpoints are untouched). */
function removeStaleTemps(runDir: string): void {
  for (const f of readdirSync(runDir))
    if (isAtomicTempOf(f, CHECKPOINT_RE)) rmSync(join(runDir, f), { force: true });
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
