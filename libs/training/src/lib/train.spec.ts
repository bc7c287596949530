import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fakesGridName } from '@portrait-forge/run-format';
import { EVENT_FILE_RE, readEventFile } from '@portrait-forge/tensorboard';
import { listCheckpoints } from './checkpoint';
import type { TrainOptionsInput } from './options';
import { syntheticImageFolder, tempDir } from '../testing';
import { train } from './train';
import { loadTrainingCheckpoint, type TrainingCheckpoint } from './training-checkpoint';

const quiet = { echo: () => undefined };

/** stats.jsonl without what depends on the clock and the process (timing, memory, tensor counts). */
function statsLines(runDir: string): Record<string, unknown>[] {
  return readFileSync(join(runDir, 'stats.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .map((r) =>
      Object.fromEntries(
        Object.entries(r).filter(([k]) => !/^(Timing|Resources)\//.test(k) && k !== 'timestamp'),
      ),
    );
}

const tickNumbers = (runDir: string): string[] =>
  readFileSync(join(runDir, 'log.txt'), 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('tick '))
    .map((l) => l.split('  ')[0]);

const fakesGrids = (runDir: string): string[] =>
  readdirSync(runDir)
    .filter((f) => /^fakes\d/.test(f))
    .sort();

async function tinyOptions(outdir: string): Promise<TrainOptionsInput> {
  return {
    data: await syntheticImageFolder(10, 16),
    outdir,
    cfg: 'tiny',
    resolution: 8,
    channels: 1,
    kimg: 0.072, // 18 minibatches of 4: Greg at 0,4,8,12,16; Dreg at 0,16
    tickKimg: 0.016,
    snap: 2,
    aug: 'ada',
    p: 0.3, // augmentation active from the start, so its random draws must resume too
    mirror: true,
    backend: 'wasm',
    grid: [2, 2],
    workers: 2,
    seed: 5,
    // Schedules change mid-run (kimg 0.04, in tick 2), so resuming must continue them exactly.
    dlr: 0.004,
    lrSteps: [[0.04, 0.5]],
    gammaSteps: [[0.04, 2]],
  };
}

function tensorsOf(ckpt: TrainingCheckpoint): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const [group, tensors] of Object.entries(ckpt.groups))
    for (const [name, t] of Object.entries(tensors)) out[`${group}/${name}`] = Array.from(t.data);
  return out;
}

describe('train (tiny config, synthetic data, wasm)', () => {
  it('resumed from a mid-run checkpoint gives bit-identical weights, optimiser state and ADA p', async () => {
    const outA = tempDir();
    const optsA = await tinyOptions(outA);
    const probeHooks = { ...quiet, onSnapshot: async () => ({ probe: 1.25 }) };
    const a = await train(optsA, probeHooks);
    expect(a.stoppedBy).toBe('done');
    const runA = readdirSync(outA)[0];
    for (const f of [
      'training_options.json',
      'log.txt',
      'stats.jsonl',
      'reals.png',
      'fakes_init.png',
      fakesGridName(72),
    ]) {
      expect(readdirSync(join(outA, runA))).toContain(f);
    }
    const stats = readFileSync(join(outA, runA, 'stats.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    for (const key of [
      'Loss/G/loss',
      'Loss/D/loss',
      'Loss/r1_penalty',
      'Progress/kimg',
      'Timing/sec_per_kimg',
      'Progress/augment',
      'Grad/G/norm',
    ]) {
      expect(stats[0][key]).toEqual(
        expect.objectContaining({ num: expect.any(Number), mean: expect.any(Number) }),
      );
    }
    // SG2-ADA's metric line and TensorBoard events (stats each tick, Metrics/<name> each snapshot)
    const metricLines = readFileSync(join(outA, runA, 'metric-probe.jsonl'), 'utf8')
      .trim()
      .split('\n');
    expect(JSON.parse(metricLines[0])).toEqual(
      expect.objectContaining({
        results: { probe: 1.25 },
        metric: 'probe',
        total_time: expect.any(Number),
        total_time_str: expect.any(String),
        num_gpus: 1,
        snapshot_pkl: null,
        timestamp: expect.any(Number),
      }),
    );
    const eventFiles = readdirSync(join(outA, runA)).filter((f) => EVENT_FILE_RE.test(f));
    expect(eventFiles).toHaveLength(1);
    const events = readEventFile(join(outA, runA, eventFiles[0]));
    const tickEvents = events.filter((e) => e.scalars.some((v) => v.tag === 'Loss/G/loss'));
    expect(tickEvents.map((e) => e.step)).toEqual(
      stats.map((r) => Math.round(r['Progress/kimg'].mean * 1000)),
    );
    const probe = events.flatMap((e) => e.scalars.filter((v) => v.tag === 'Metrics/probe'));
    expect(probe).toHaveLength(metricLines.length);
    expect(probe[0].value).toBe(1.25);

    const outB = tempDir();
    const optsB = await tinyOptions(outB);
    const first = await train(optsB, { ...quiet, stopAtNimg: 28 }); // stops mid-tick, off the snapshot grid
    expect(first.stoppedBy).toBe('stop');
    expect(first.curNimg).toBe(28);
    const b = await train({ ...optsB, resume: 'latest' }, quiet);
    expect(b.curNimg).toBe(72);

    const ckA = loadTrainingCheckpoint(a.lastCheckpoint as string);
    const ckB = loadTrainingCheckpoint(b.lastCheckpoint as string);
    const [ta, tb] = [tensorsOf(ckA), tensorsOf(ckB)];
    expect(Object.keys(tb).sort()).toEqual(Object.keys(ta).sort());
    for (const k of Object.keys(ta)) expect({ k, v: tb[k] }).toEqual({ k, v: ta[k] });
    expect(ckB.meta.state.ada.p).toBe(ckA.meta.state.ada.p);
    expect(ckB.meta.state.batchIdx).toBe(18);
    expect(ckB.meta.rng).toEqual(ckA.meta.rng);

    // The schedules as recorded at each tick's end (G lr from the tiny config's 0.002, D from --dlr).
    const dirA = join(outA, runA);
    const scheduled = statsLines(dirA).map((r) =>
      ['Progress/G/lr', 'Progress/D/lr', 'Progress/r1_gamma'].map((k) => (r[k] as { mean: number }).mean),
    );
    expect(scheduled).toEqual([
      [0.002, 0.004, 1],
      [0.002, 0.004, 1],
      [0.001, 0.002, 2],
      [0.001, 0.002, 2],
      [0.001, 0.002, 2],
    ]);

    // The run as logged: identical stats lines, tick numbers and snapshot names, resumed mid-tick…
    const ticks = ['tick 0', 'tick 1', 'tick 2', 'tick 3', 'tick 4'];
    expect(tickNumbers(dirA)).toEqual(ticks);
    expect(fakesGrids(dirA)).toEqual([16, 48, 72].map(fakesGridName));
    expect(statsLines(b.runDir)).toEqual(statsLines(dirA));
    expect(tickNumbers(b.runDir)).toEqual(ticks);
    expect(fakesGrids(b.runDir)).toEqual(fakesGrids(dirA));

    // …and from a snapshot written at the end of a tick (the checkpoint holds the next tick's counters).
    const outC = tempDir();
    const optsC = await tinyOptions(outC);
    const stopped = await train(optsC, { ...quiet, stopAtNimg: 52 });
    const atTick = join(stopped.runDir, 'network-snapshot-000000048.ckpt');
    expect(loadTrainingCheckpoint(atTick).meta.state).toEqual(
      expect.objectContaining({ tick: 3, tickStartNimg: 48, curNimg: 48 }),
    );
    const c = await train({ ...optsC, resume: atTick }, quiet);
    expect(c.curNimg).toBe(72);
    expect(statsLines(c.runDir)).toEqual(statsLines(dirA));
    expect(tickNumbers(c.runDir)).toEqual(ticks);
    expect(fakesGrids(c.runDir)).toEqual(fakesGrids(dirA));

    // …and in place, in a run that went on past that checkpoint (as one killed after it would have):
    // the lines past it move to *.abandoned instead of being logged twice.
    const uninterrupted = statsLines(dirA);
    const probeLines = readFileSync(join(dirA, 'metric-probe.jsonl'), 'utf8');
    await train({ ...optsA, resume: join(dirA, 'network-snapshot-000000048.ckpt') }, probeHooks);
    expect(statsLines(dirA)).toEqual(uninterrupted);
    const abandoned = readFileSync(join(dirA, 'stats.jsonl.abandoned'), 'utf8').trim().split('\n');
    expect(abandoned.map((l) => JSON.parse(l)['Progress/kimg'].mean)).toEqual([0.064, 0.072]);
    const probeKimg = (text: string) =>
      text
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).kimg);
    expect(probeKimg(readFileSync(join(dirA, 'metric-probe.jsonl'), 'utf8'))).toEqual(probeKimg(probeLines));
    expect(probeKimg(readFileSync(join(dirA, 'metric-probe.jsonl.abandoned'), 'utf8'))).toEqual([0.072]);
  }, 300_000);

  it('feeds the failure-mode monitor every tick: Alerts/<rule> in stats.jsonl, the remedy in log.txt, --on-alert stop', async () => {
    const outdir = tempDir();
    const lines: string[] = [];
    // Thresholds no run can pass: D loss "below 100" and G's gradient "collapsed" from the second tick.
    const result = await train(
      { ...(await tinyOptions(outdir)), onAlert: 'stop' },
      {
        echo: (l) => lines.push(l),
        monitorThresholds: {
          window: 1,
          dLossFloor: 100,
          gradCollapseRatio: 1e9,
          rtCeiling: 2,
          augmentCeiling: 2,
        },
      },
    );
    expect(result.stoppedBy).toBe('alert');
    expect(result.curNimg).toBe(32);
    const stats = statsLines(result.runDir);
    expect(stats.map((r) => r['Alerts/vanishing-gradients'])).toEqual([
      undefined,
      { num: 1, mean: 1, std: 0 },
    ]);
    expect(lines.filter((l) => l.startsWith('ALERT'))).toEqual([
      expect.stringMatching(/^ALERT vanishing-gradients at kimg 0\.032: /),
    ]);
    expect(lines.some((l) => /suggestion: D wins outright/.test(l))).toBe(true);
    expect(readdirSync(result.runDir)).toContain('network-snapshot-000000032.ckpt');
  }, 180_000);

  it('skips non-finite steps, then rolls back to the last checkpoint with the LR halved', async () => {
    const outdir = tempDir();
    const opts = { ...(await tinyOptions(outdir)), kimg: 0.048, nanRollbackAfter: 3 };
    let injections = 0;
    const lines: string[] = [];
    const result = await train(opts, {
      echo: (l) => lines.push(l),
      // A corrupt batch (NaN pixels) at minibatches 6 and 8–10: one isolated skip, then three in a row.
      corruptReals: (batchIdx, data) => {
        if ((batchIdx === 6 || batchIdx >= 8) && injections < 4) {
          injections++;
          data.fill(Number.NaN);
        }
      },
    });
    expect(result.stoppedBy).toBe('done');
    expect(result.nanSkips).toBe(4);
    expect(result.rollbacks).toBe(1);
    expect(lines.filter((l) => /non-finite loss or gradient in D/.test(l))).toHaveLength(4);
    const rolled = lines.filter((l) => l.startsWith('rolled back'));
    expect(rolled).toEqual([
      expect.stringMatching(
        /network-snapshot-000000016\.ckpt after 3 non-finite steps; learning rate ×0\.5$/,
      ),
    ]);
    const last = loadTrainingCheckpoint(listCheckpoints(result.runDir)[0]);
    expect(last.meta.state.lrScale).toBe(0.5);
    // The skipped steps' non-finite losses are recorded (mean null, counted), not dropped.
    const stats = statsLines(result.runDir);
    const bad = stats.filter((r) => r['Progress/nonfinite'] !== undefined);
    expect(bad.length).toBeGreaterThan(0);
    expect(bad[0]['Loss/D/loss']).toEqual(
      expect.objectContaining({ mean: null, std: null, nonfinite: expect.any(Number) }),
    );
    for (const t of Object.values(last.groups['G']))
      expect(Array.from(t.data).every(Number.isFinite)).toBe(true);
  }, 180_000);
});
