/**
 * End-to-end curation benchmark on ../shared/data/faces-dev: images/s with 1 and 2 workers (every
 * stage on), mean ms per stage, peak RSS; then `decide` over 100 000 synthetic manifest rows.
 *   npx tsx tools/bench/curate.ts [--limit N]   (N first files of faces-dev, default all)
 * Figures are taken on a shared machine: compare the 1- vs 2-worker ratio rather than absolutes.
 */
import { decideAll, defaultThresholds, runFilter, walkImages } from '@portrait-forge/curation';
import { Manifest, type FileRecord } from '@portrait-forge/manifest';
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

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { limit: { type: 'string' }, 'decide-only': { type: 'boolean' } },
  });
  if (values['decide-only']) {
    const d = decideBench(100_000);
    process.stdout.write(
      `decide: read ${d.read.toFixed(0)} + rule ${d.rule.toFixed(0)} + store ${d.changed} = ${d.decide.toFixed(0)} ms wall, ${d.cpuMs.toFixed(0)} ms CPU\n`,
    );
    return;
  }
  const input = await subset(values.limit ? Number(values.limit) : undefined);
  const rows: string[] = [];
  let baseline = 0;
  for (const workers of [1, 2]) {
    const out = mkdtempSync(join(tmpdir(), `bench-curate-${workers}w-`));
    const result = await runFilter({
      input,
      out,
      size: 256,
      workers,
      thresholds: defaultThresholds(256),
      log: () => undefined,
    });
    const rate = result.analysed / (result.elapsedMs / 1000);
    baseline ||= rate;
    const stages = Object.entries(result.stageMs)
      .map(([k, v]) => `${k} ${v.toFixed(0)}`)
      .join(', ');
    rows.push(
      `${workers} worker(s): ${result.analysed} images in ${(result.elapsedMs / 1000).toFixed(1)} s (incl. model load) = ${rate.toFixed(2)} img/s (${(rate / baseline).toFixed(2)}× 1 worker); mean ms/stage: ${stages}`,
    );
    process.stdout.write(`${rows[rows.length - 1]}\n`);
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
