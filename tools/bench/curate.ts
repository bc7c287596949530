/**
 * End-to-end curation benchmark: images/s with 1 and 2 workers (every stage on), mean ms per stage
 * and peak RSS, on faces-dev, faces-wild-dev and the 12 MP set (tools/scripts/make-12mp-set.ts);
 * then `decide` over 100 000 synthetic manifest rows.
 *   npx tsx tools/bench/curate.ts [--sets faces-dev,faces-wild-dev,12mp] [--limit N] [--reference] [--photo-brisque]
 * Each (set, workers) run is its own process, so its peak RSS (main + worker threads) is its own.
 * --limit: N files spread over the set's folders (default all); --reference: also run the SSD
 * detector (the previous default) and print its rate as a ratio to the default detector's;
 * --photo-brisque: also score the whole-photo BRISQUE (off by default in `filter`, as here).
 * "Steady" img/s counts from the first finished file (model loading excluded), what a long run sees.
 * Targets (issue 16, 2 workers): ≥ 20 img/s on faces-dev, ≥ 10 img/s on the 12 MP set.
 * Figures are taken on a shared machine: compare ratios within one run rather than absolutes; CPU
 * ms/img (every thread of the run, model loading included) moves less with other load than img/s.
 */
import { decideAll, defaultThresholds, runFilter, walkImages } from '@portrait-forge/curation';
import { emptyScores, Manifest, type FileRecord } from '@portrait-forge/manifest';
import { DEFAULT_DETECTOR, type DetectorKind } from '@portrait-forge/face';
import { sharedPath } from '@portrait-forge/test-support';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const SETS: Record<string, () => string> = {
  'faces-dev': () => sharedPath('data/faces-dev'),
  'faces-wild-dev': () => sharedPath('data/faces-wild-dev'),
  '12mp': () => resolve('data/12mp'),
};

async function subset(source: string, limit: number | undefined): Promise<string> {
  if (!existsSync(source))
    throw new Error(`${source} does not exist (12mp: run tools/scripts/make-12mp-set.ts first)`);
  if (!limit) return source;
  const dir = mkdtempSync(join(tmpdir(), 'bench-curate-in-'));
  const { entries } = await walkImages(source);
  // Every category, round-robin, so a subset has the same mix as the whole set.
  const byDir = new Map<string, string[]>();
  for (const e of entries) byDir.set(dirname(e.path), [...(byDir.get(dirname(e.path)) ?? []), e.path]);
  const picked: string[] = [];
  for (let i = 0; picked.length < limit && i < entries.length; i++)
    for (const list of byDir.values()) if (list[i] && picked.length < limit) picked.push(list[i]);
  for (const p of picked) {
    mkdirSync(dirname(join(dir, p)), { recursive: true });
    copyFileSync(join(source, p), join(dir, p));
  }
  return dir;
}

function decideBench(rows: number) {
  const manifest = Manifest.open(join(mkdtempSync(join(tmpdir(), 'bench-decide-')), 'manifest.sqlite'));
  const records: FileRecord[] = Array.from({ length: rows }, (_, i) => ({
    path: `img/${i}.jpg`,
    size: 1,
    mtimeMs: 0,
    sha256: String(i),
    width: 1000,
    height: 1000,
    decodeError: null,
    scores: {
      ...emptyScores(),
      faceCount: 1,
      faceSize: 400,
      roll: (i % 30) - 15,
      yaw: 3,
      brisque: i % 100,
      symmetry: 0.05,
      symmetryBackend: 'selfie',
      symmetryNote: null,
    },
    faces: [
      {
        box: { x: 300, y: 300, width: 400, height: 400 },
        score: 0.9,
        landmarks: new Array(136).fill(500),
        roll: (i % 30) - 15,
        yaw: 3,
        pitch: 1,
        eyeDyPct: 2,
        centerDeltaPct: 10,
        qsize: 400,
        cutOff: 0,
        rotationDeg: null,
        landmarksAtBorder: 0,
        meshYaw: null,
        meshPitch: null,
      },
    ],
    alignedPath: `aligned/${i}.png`,
    alignedQuad: null,
    thumbPath: null,
    thumbScale: null,
    phash: null,
    stageMs: {},
    decision: 'keep',
    reasons: [],
  }));
  let t = performance.now();
  manifest.writeFiles(records, null);
  const write = performance.now() - t;
  t = performance.now();
  const cpu = process.cpuUsage();
  const inputs = manifest.decisionInputs();
  const read = performance.now() - t;
  const { changes } = decideAll(inputs, defaultThresholds());
  const rule = performance.now() - t - read;
  manifest.updateDecisions(changes.map((c) => ({ id: c.id, ...c.to })));
  const decide = performance.now() - t;
  const used = process.cpuUsage(cpu);
  manifest.close();
  return { write, read, rule, decide, cpuMs: (used.user + used.system) / 1000, changed: changes.length };
}

/** One filter run; "steady" counts from the first finished file, so model loading is left out. */
async function filterRun(input: string, detector: DetectorKind, workers: number, photoBrisque: boolean) {
  const out = mkdtempSync(join(tmpdir(), `bench-curate-${detector}-${workers}w-`));
  const finished: number[] = [];
  const cpuAtStart = process.cpuUsage();
  const result = await runFilter({
    input,
    out,
    size: 256,
    workers,
    detector,
    thresholds: defaultThresholds(256, detector),
    photoBrisque,
    log: () => undefined,
    onProgress: () => finished.push(performance.now()),
  });
  const span = (finished[finished.length - 1] - finished[0]) / 1000;
  const cpu = process.cpuUsage(cpuAtStart);
  return {
    // Whole process (main + worker threads, model loading included): less sensitive to other load than img/s.
    cpuMsPerImage: (cpu.user + cpu.system) / 1000 / result.analysed,
    analysed: result.analysed,
    elapsedMs: result.elapsedMs,
    overallRate: result.analysed / (result.elapsedMs / 1000),
    steadyRate: (finished.length - 1) / span,
    stages: Object.entries(result.stageMs)
      .map(([k, v]) => `${k} ${v.toFixed(0)}`)
      .join(', '),
  };
}

interface RunFigures {
  steadyRate: number;
  cpuMsPerImage: number;
  overallRate: number;
  analysed: number;
  elapsedMs: number;
  stages: string;
  peakRssMb: number;
}

/** One (set, detector, workers) run in a child process, so that peak RSS is this run's alone. */
function runInChild(
  set: string,
  detector: DetectorKind,
  workers: number,
  limit: string | undefined,
  photoBrisque: boolean,
): RunFigures {
  const args = [__filename, '--child', set, '--detector', detector, '--workers', String(workers)];
  if (limit) args.push('--limit', limit);
  if (photoBrisque) args.push('--photo-brisque');
  const stdout = execFileSync(process.execPath, [require.resolve('tsx/cli'), ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 1 << 24,
  });
  return JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as RunFigures;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      sets: { type: 'string' },
      limit: { type: 'string' },
      'decide-only': { type: 'boolean' },
      reference: { type: 'boolean' },
      child: { type: 'string' },
      detector: { type: 'string' },
      workers: { type: 'string' },
      'photo-brisque': { type: 'boolean' },
    },
  });
  if (values.child) {
    const input = await subset(SETS[values.child](), values.limit ? Number(values.limit) : undefined);
    const run = await filterRun(
      input,
      (values.detector ?? DEFAULT_DETECTOR) as DetectorKind,
      Number(values.workers),
      values['photo-brisque'] ?? false,
    );
    const peakRssMb = process.resourceUsage().maxRSS / 1024;
    process.stdout.write(`${JSON.stringify({ ...run, peakRssMb })}\n`);
    return;
  }
  if (values['decide-only']) {
    const d = decideBench(100_000);
    process.stdout.write(
      `decide: read ${d.read.toFixed(0)} + rule ${d.rule.toFixed(0)} + store ${d.changed} = ${d.decide.toFixed(0)} ms wall, ${d.cpuMs.toFixed(0)} ms CPU\n`,
    );
    return;
  }
  const sets = (values.sets ?? Object.keys(SETS).join(',')).split(',');
  for (const set of sets)
    if (!SETS[set]) throw new Error(`--sets: unknown set "${set}"; known: ${Object.keys(SETS).join(', ')}`);
  const detectors: DetectorKind[] = values.reference ? [DEFAULT_DETECTOR, 'ssd'] : [DEFAULT_DETECTOR];
  process.stdout.write(
    `load average at start: ${loadavg()
      .map((l) => l.toFixed(1))
      .join(
        ' ',
      )} (${cpus().length} cores); whole-photo BRISQUE ${values['photo-brisque'] ? 'on' : 'off (--photo-brisque)'}\n`,
  );
  for (const set of sets) {
    const steady: Record<string, number> = {};
    for (const detector of detectors) {
      for (const workers of [1, 2]) {
        const loadBefore = loadavg()[0];
        const run = runInChild(set, detector, workers, values.limit, values['photo-brisque'] ?? false);
        steady[`${detector}:${workers}`] = run.steadyRate;
        const vsOne = run.steadyRate / steady[`${detector}:1`];
        const vsDefault = run.steadyRate / (steady[`${DEFAULT_DETECTOR}:${workers}`] ?? run.steadyRate);
        process.stdout.write(
          `${set}, ${detector}, ${workers} worker(s): ${run.steadyRate.toFixed(2)} img/s steady (${vsOne.toFixed(2)}× 1 worker` +
            (detector === DEFAULT_DETECTOR ? '' : `, ${vsDefault.toFixed(2)}× ${DEFAULT_DETECTOR}`) +
            `); ${run.analysed} images in ${(run.elapsedMs / 1000).toFixed(1)} s incl. model load = ${run.overallRate.toFixed(2)} img/s; CPU ${run.cpuMsPerImage.toFixed(0)} ms/img; peak RSS ${run.peakRssMb.toFixed(0)} MB; mean ms/stage: ${run.stages}; load ${loadBefore.toFixed(1)}\n`,
        );
      }
    }
  }
  const d = decideBench(100_000);
  process.stdout.write(
    `manifest: 100 000 rows written in ${d.write.toFixed(0)} ms; decide: read ${d.read.toFixed(0)} + rule ${d.rule.toFixed(0)} + store ${d.changed} changes = ${d.decide.toFixed(0)} ms wall, ${d.cpuMs.toFixed(0)} ms CPU\n`,
  );
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : err}\n`);
  process.exit(1);
});
