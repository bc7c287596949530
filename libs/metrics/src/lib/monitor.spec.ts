import { gridDiversity } from './evaluate';
import { featureMatrix, type FeatureMatrix } from './matrix';
import {
  diagnose,
  FailureMonitor,
  formatAlert,
  STAT_KEYS,
  toTraceRecord,
  type Alert,
  type TraceRecord,
} from './monitor';
import { ndb } from './ndb';
import { precisionRecall } from './precision-recall';
import { createRng } from './random';
import { randomCentres, sampleMixture } from '../testing';

const rng = createRng(42);
const noisy = (centre: number, spread: number): number => centre + spread * rng.normal();

function lossRecord(i: number, values: Record<string, number>): TraceRecord {
  return { kimg: i * 4, values: { [STAT_KEYS.kimg]: i * 4, ...values } };
}

function healthyLosses(i: number): Record<string, number> {
  return {
    [STAT_KEYS.gLoss]: noisy(1.4, 0.3),
    [STAT_KEYS.dLoss]: noisy(1.2, 0.1),
    [STAT_KEYS.r1]: noisy(0.3, 0.05),
    [STAT_KEYS.gGradNorm]: noisy(5, 0.8),
    [STAT_KEYS.rt]: noisy(0.58, 0.04),
    [STAT_KEYS.augment]: Math.min(0.3, i * 0.01),
    [STAT_KEYS.scoresReal]: noisy(0.4, 0.2),
    [STAT_KEYS.scoresFake]: noisy(-0.5, 0.2),
  };
}

/** Feeds the trace to a FailureMonitor and returns every alert raised, in order. */
function run(trace: TraceRecord[]): Alert[] {
  const monitor = new FailureMonitor();
  return trace.flatMap((r) => monitor.observe(r));
}

// feature-space fixtures: a 10-mode "dataset" and generators that cover it or collapse onto one image
const d = 16;
const centres = randomCentres(createRng(1), 10, d, 8);
const modes = Array.from({ length: 10 }, (_, i) => i);
const real = sampleMixture(createRng(2), 400, centres, modes, 1);
const grid = (m: FeatureMatrix): FeatureMatrix => featureMatrix(32, d, m.data.subarray(0, 32 * d));

function metricValues(fake: FeatureMatrix): Record<string, number> {
  return {
    [STAT_KEYS.recall]: precisionRecall(real, fake).recall,
    [STAT_KEYS.ndbOverK]: ndb(real, fake, { k: 10, seed: 0 }).ndbOverK,
    [STAT_KEYS.gridDiversity]: gridDiversity(grid(fake)),
  };
}

/** Generator output at collapse level α: each sample pulled towards one fixed image. */
function collapsing(alpha: number, seed: number): FeatureMatrix {
  const fake = sampleMixture(createRng(seed), 400, centres, modes, 1);
  const oneImage = centres[3];
  for (let i = 0; i < fake.rows; i++) {
    for (let k = 0; k < d; k++)
      fake.data[i * d + k] = (1 - alpha) * fake.data[i * d + k] + alpha * oneImage[k];
  }
  return fake;
}

describe('failure-mode monitor', () => {
  it('stays quiet on a healthy trace', () => {
    const trace = Array.from({ length: 60 }, (_, i) =>
      lossRecord(i, {
        ...healthyLosses(i),
        ...(i % 10 === 9 ? metricValues(sampleMixture(createRng(100 + i), 400, centres, modes, 1)) : {}),
      }),
    );
    expect(run(trace)).toEqual([]);
  });

  it('flags mode collapse when the generator converges to one image (recall, NDB, grid diversity)', () => {
    const alphas = [0, 0.2, 0.5, 0.9, 1];
    const trace = Array.from({ length: 50 }, (_, i) =>
      lossRecord(i, {
        ...healthyLosses(i),
        ...(i % 10 === 9 ? metricValues(collapsing(alphas[(i - 9) / 10], i)) : {}),
      }),
    );
    const alerts = run(trace);
    expect(alerts.map((a) => a.name)).toEqual(['mode-collapse']);
    expect(alerts[0].kimg).toBe(29 * 4); // at α = 0.5 recall already collapses, not before
    expect(alerts[0].evidence.join('\n')).toMatch(/recall fell to .*\n.*ndb_k rose to/);
    const atEnd = diagnose(trace)[0].evidence.join('\n'); // α = 1: every sample is the same image
    expect(atEnd).toMatch(/grid_diversity = 0\.00 at kimg 196/);
    expect(formatAlert(alerts[0])).toMatch(
      /^ALERT mode-collapse at kimg \d+:[\s\S]*suggestion: G covers a shrinking part.*lower the learning rate/,
    );
  });

  it('does not call a recall of ~0 that stays ~0 a collapse (the 32² smoke run: 0.015 → 0 on 200 images)', () => {
    // The cfg e smoke run's metric snapshots: recall, NDB/K and grid diversity as it logged them.
    const snapshots = [
      [0.015, 0.7, 0.4436],
      [0, 0.7, 0.4167],
      [0, 0.7, 0.4042],
      [0.005, 0.7, 0.4036],
      [0.005, 0.5, 0.3905],
      [0.015, 0.9, 0.4079],
      [0, 0.7, 0.4404],
    ];
    const metrics = (k: number) => ({
      [STAT_KEYS.recall]: snapshots[k][0],
      [STAT_KEYS.ndbOverK]: snapshots[k][1],
      [STAT_KEYS.gridDiversity]: snapshots[k][2],
    });
    const trace = () =>
      Array.from({ length: 70 }, (_, i) =>
        lossRecord(i, { ...healthyLosses(i), ...(i % 10 === 0 ? metrics(i / 10) : {}) }),
      );
    expect(run(trace())).toEqual([]);
    // The same fall from a recall that meant something (cfg a: 0.16 → 0) is one.
    snapshots[4][0] = 0.16;
    const alerts = run(trace());
    expect(new Set(alerts.map((a) => a.name))).toEqual(new Set(['mode-collapse']));
    expect(alerts[0].kimg).toBe(50 * 4); // recall 0.015 and NDB/K 0.9 ≥ 0.5 + 0.2 after the 0.16
  });

  it('flags vanishing gradients and D overfitting when D wins outright', () => {
    const trace = Array.from({ length: 40 }, (_, i) => {
      const win = Math.min(1, Math.max(0, (i - 15) / 15)); // 0 → 1 over records 15..30
      return lossRecord(i, {
        [STAT_KEYS.gLoss]: 1.4 + 8 * win,
        [STAT_KEYS.dLoss]: 1.2 * (1 - win) + 0.005,
        [STAT_KEYS.r1]: 0.3 * (1 - win) + 0.001,
        [STAT_KEYS.gGradNorm]: 5 * (1 - win) + 0.01,
        [STAT_KEYS.rt]: 0.55 + 0.45 * win,
      });
    });
    const names = run(trace).map((a) => a.name);
    expect(names.sort()).toEqual(['d-overfitting', 'vanishing-gradients']);
    const [vanishing] = diagnose(trace).filter((a) => a.name === 'vanishing-gradients');
    expect(vanishing.evidence.join('\n')).toMatch(/Grad\/G\/norm: recent mean/);
    expect(vanishing.suggestion).toMatch(/enable ADA/);
  });

  it('flags divergence on NaN and on a loss blow-up', () => {
    const healthy = Array.from({ length: 20 }, (_, i) => lossRecord(i, healthyLosses(i)));
    const nan = run([...healthy, lossRecord(20, { ...healthyLosses(20), [STAT_KEYS.gLoss]: NaN })]);
    expect(nan.map((a) => a.name)).toEqual(['divergence']);
    expect(nan[0].evidence[0]).toMatch(/Loss\/G\/loss = NaN at kimg 80/);
    const blowUp = run([...healthy, lossRecord(20, { ...healthyLosses(20), [STAT_KEYS.dLoss]: 250 })]);
    expect(blowUp.map((a) => a.name)).toEqual(['divergence']);
    expect(blowUp[0].message).toMatch(/Loss\/D\/loss blew up/);
  });

  it('flags saturated ADA augmentation as D overfitting', () => {
    const trace = Array.from({ length: 20 }, (_, i) =>
      lossRecord(i, {
        ...healthyLosses(i),
        [STAT_KEYS.rt]: 0.6,
        [STAT_KEYS.augment]: Math.min(0.9, i * 0.08),
      }),
    );
    expect(run(trace).map((a) => a.name)).toEqual(['d-overfitting']);
  });

  it('flags D overfitting when the D(real) and D(fake) logits drift apart', () => {
    const trace = Array.from({ length: 30 }, (_, i) => {
      const drift = Math.max(0, i - 15) * 0.6; // from record 15 on, the gap widens by 1.2 a record
      return lossRecord(i, {
        ...healthyLosses(i),
        [STAT_KEYS.scoresReal]: 0.4 + drift,
        [STAT_KEYS.scoresFake]: -0.5 - drift,
      });
    });
    const alerts = run(trace);
    expect(alerts.map((a) => a.name)).toEqual(['d-overfitting']);
    expect(alerts[0].kimg).toBeGreaterThan(15 * 4);
    expect(alerts[0].evidence[0]).toMatch(/logit gap over the last 5 records = \d/);
    expect(run(trace.slice(0, 18))).toEqual([]);
  });

  it("flags seed 000's convergence failure: precision and recall fall while D loss drops fast", () => {
    const pr = [0.5, 0.6, 0.45, 0.3, 0.2]; // at records 9, 19, … 49: up, then steadily down
    const trace = Array.from({ length: 50 }, (_, i) => {
      const fall = Math.min(1, Math.max(0, (i - 20) / 20));
      return lossRecord(i, {
        ...healthyLosses(i),
        [STAT_KEYS.dLoss]: 1.2 * (1 - 0.8 * fall),
        ...(i % 10 === 9
          ? { [STAT_KEYS.precision]: pr[(i - 9) / 10], [STAT_KEYS.recall]: pr[(i - 9) / 10] * 0.9 }
          : {}),
      });
    });
    const alerts = run(trace);
    expect(alerts.map((a) => a.name)).toEqual(['convergence-failure']);
    // At record 29 precision and recall already fell, but D loss is still at 0.72 of its early level.
    expect(alerts[0].kimg).toBeGreaterThan(29 * 4);
    expect(formatAlert(alerts[0])).toMatch(
      /precision fell to 0\.450 from 0\.600[\s\S]*suggestion: .*noise to D input/,
    );
    // The same precision/recall with a steady D loss is not a convergence failure.
    const steadyD = trace.map((r) => ({ ...r, values: { ...r.values, [STAT_KEYS.dLoss]: 1.2 } }));
    expect(run(steadyD)).toEqual([]);
  });

  it('reads SG2-ADA stats.jsonl lines and null (NaN) values', () => {
    const record = toTraceRecord({
      'Loss/G/loss': { num: 64, mean: 1.5, std: 0.2 },
      'Loss/D/loss': { num: 64, mean: null, std: null },
      'Progress/kimg': { num: 1, mean: 12.5, std: 0 },
      timestamp: 1700000000.5,
    });
    expect(record.kimg).toBe(12.5);
    expect(record.values['Loss/G/loss']).toBe(1.5);
    expect(record.values['Loss/D/loss']).toBeNaN();
    expect(() => toTraceRecord({ foo: 1 })).toThrow(/no Progress\/kimg/);
  });
});
