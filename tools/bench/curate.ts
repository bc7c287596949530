/**
 * End-to-end curation benchmark on ../shared/data/faces-dev: images/s with 1 and 2 workers (every
 * stage on), mean ms per stage, peak RSS; then `decide` over 100 000 synthetic manifest rows.
 *   npx tsx tools/bench/curate.ts [--limit N] [--reference]
 * --limit: N files of faces-dev spread over its categories (default all); --reference: also run the
 * SSD detector (the previous default) and print its rate as a ratio to the default detector's.
 * "Steady" img/s counts from the first finished file (model loading excluded), what a long run sees.
 * Figures are taken on a shared machine: compare ratios within one run rather than absolutes.
 */
import { decideAll, defaultThresholds, runFilter, walkImages } from '@portrait-forge/curation';
import { emptyScores, Manifest, type FileRecord } from '@portrait-forge/manifest';
import { DEFAULT_DETECTOR, type DetectorKind } from '@portrait-forge/face';
import { sharedPath } from '@portrait-forge/test-support';
import { copyFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';

async function subset(limit: number | undefined): Promise<string> {
  const source = sharedPath('data/faces-dev');
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
async function filterRun(input: string, detector: DetectorKind, workers: number) {
  const out = mkdtempSync(join(tmpdir(), `bench-curate-${detector}-${workers}w-`));
  const finished: number[] = [];
  const result = await runFilter({
    input,
    out,
    size: 256,
    workers,
    detector,
    thresholds: defaultThresholds(256, detector),
    log: () => undefined,
    onProgress: () => finished.push(performance.now()),
  });
  const span = (finished[finished.length - 1] - finished[0]) / 1000;
  return {
    analysed: result.analysed,
    elapsedMs: result.elapsedMs,
    overallRate: result.analysed / (result.elapsedMs / 1000),
    steadyRate: (finished.length - 1) / span,
    stages: Object.entries(result.stageMs)
      .map(([k, v]) => `${k} ${v.toFixed(0)}`)
      .join(', '),
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      limit: { type: 'string' },
      'decide-only': { type: 'boolean' },
      reference: { type: 'boolean' },
    },
  });
  if (values['decide-only']) {
    const d = decideBench(100_000);
    process.stdout.write(
      `decide: read ${d.read.toFixed(0)} + rule ${d.rule.toFixed(0)} + store ${d.changed} = ${d.decide.toFixed(0)} ms wall, ${d.cpuMs.toFixed(0)} ms CPU\n`,
    );
    return;
  }
  const input = await subset(values.limit ? Number(values.limit) : undefined);
  const detectors: DetectorKind[] = values.reference ? [DEFAULT_DETECTOR, 'ssd'] : [DEFAULT_DETECTOR];
  const steady: Record<string, number> = {};
  for (const detector of detectors) {
    for (const workers of [1, 2]) {
      const run = await filterRun(input, detector, workers);
      steady[`${detector}:${workers}`] = run.steadyRate;
      const vsOne = run.steadyRate / steady[`${detector}:1`];
      const vsDefault = run.steadyRate / (steady[`${DEFAULT_DETECTOR}:${workers}`] ?? run.steadyRate);
      process.stdout.write(
        `${detector}, ${workers} worker(s): ${run.steadyRate.toFixed(2)} img/s steady (${vsOne.toFixed(2)}× 1 worker` +
          (detector === DEFAULT_DETECTOR ? '' : `, ${vsDefault.toFixed(2)}× ${DEFAULT_DETECTOR}`) +
          `); ${run.analysed} images in ${(run.elapsedMs / 1000).toFixed(1)} s incl. model load = ${run.overallRate.toFixed(2)} img/s; mean ms/stage: ${run.stages}\n`,
      );
    }
  }
  process.stdout.write(
    `peak RSS (main + worker threads): ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB\n`,
  );
  const d = decideBench(100_000);
  process.stdout.write(
    `manifest: 100 000 rows written in ${d.write.toFixed(0)} ms; decide: read ${d.read.toFixed(0)} + rule ${d.rule.toFixed(0)} + store ${d.changed} changes = ${d.decide.toFixed(0)} ms wall, ${d.cpuMs.toFixed(0)} ms CPU\n`,
  );
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : err}\n`);
  process.exit(1);
});
