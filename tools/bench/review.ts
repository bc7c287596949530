/**
 * The review server at dataset scale: a synthetic 200 000-row manifest (one face with 68 landmarks
 * per row, realistic score spreads), served by `curate review` in a child process. Prints the time
 * to the first page (HTTP, and rendered in chromium when installed), keyset paging and sorting by
 * scores, filters, counts, an override write, a threshold preview (and paging while it runs), an
 * apply, and the server's peak RSS (and its re-decide child's).
 * Targets (issue 17): first page < 1 s, paging/sorting < 300 ms, RSS < 300 MB.
 * Run: npx tsx tools/bench/review.ts [--rows 200000]
 */
import { defaultThresholds } from '@portrait-forge/curation';
import { Manifest, type FileRecord } from '@portrait-forge/manifest';
import { filterRun, syntheticFileRecord } from '@portrait-forge/manifest/testing';
import { CHROMIUM_PATH } from '@portrait-forge/test-support';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import sharp from 'sharp';

const ROOT = resolve(__dirname, '../..');
const DIR = join(ROOT, 'tmp/review-bench');
const rowsArg = process.argv.indexOf('--rows');
const ROWS = rowsArg > 0 ? Number(process.argv[rowsArg + 1]) : 200_000;
const THUMBS = 16;

/** Deterministic pseudo-random numbers (mulberry32), so every run builds the same manifest. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function buildManifest(out: string): Promise<void> {
  const file = join(out, 'manifest.sqlite');
  if (existsSync(file)) {
    const m = Manifest.open(file);
    const n = m.galleryCounts().total;
    m.close();
    if (n === ROWS) return;
  }
  rmSync(out, { recursive: true, force: true });
  mkdirSync(join(out, 'thumbs'), { recursive: true });
  for (let i = 0; i < THUMBS; i++) {
    await sharp({
      create: { width: 256, height: 200, channels: 3, background: { r: i * 15, g: 120, b: 200 - i * 10 } },
    })
      .jpeg()
      .toFile(join(out, `thumbs/${i}.jpg`));
  }
  const m = Manifest.open(file);
  const thresholds = defaultThresholds(256);
  m.startRun(filterRun(join(out, 'in'), { config: { photoBrisque: true }, thresholds: { ...thresholds } }));
  const random = rng(17);
  const t0 = performance.now();
  for (let start = 0; start < ROWS; start += 5000) {
    const batch: FileRecord[] = [];
    for (let i = start; i < Math.min(ROWS, start + 5000); i++)
      batch.push(syntheticFileRecord(i, random, thresholds.faceBrisque, THUMBS));
    m.writeFiles(batch, null);
  }
  m.close();
  console.log(`built ${ROWS} rows in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

function startServer(out: string): Promise<{ child: ChildProcess; url: string; origin: string }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'apps/curate/src/main.ts'), 'review', '--out', out],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return new Promise((resolvePromise, reject) => {
    let text = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const match = /review UI: (http:\/\/\S+)/.exec(text);
      if (match) resolvePromise({ child, url: match[1], origin: new URL(match[1]).origin });
    });
    child.on('exit', (code) => reject(new Error(`curate review exited (${code}) before printing its URL`)));
  });
}

/**
 * Peak RSS (MB) of a process's children by script (the re-decide job, the decisions.csv writer),
 * sampled every 100 ms until stopped: each sample reads the child's own high-water mark (VmHWM).
 */
function watchChildren(pid: number): { stop: () => Map<string, number> } {
  const peaks = new Map<string, number>();
  const own = childScript(pid);
  const timer = setInterval(() => {
    try {
      for (const child of readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
        .split(' ')
        .filter(Boolean)) {
        const script = childScript(Number(child));
        const { peak } = rssMb(Number(child));
        // A fork not yet exec'd still shows the server's own command line.
        if (script === own) continue;
        if (Number.isFinite(peak)) peaks.set(script, Math.max(peaks.get(script) ?? 0, peak));
      }
    } catch {
      // a child that just ended
    }
  }, 100);
  return {
    stop: () => {
      clearInterval(timer);
      return peaks;
    },
  };
}

/** The .ts file a child runs (its last such argument), else its first argument. */
function childScript(pid: number): string {
  const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  return basename(args.filter((a) => a.endsWith('.ts')).pop() ?? args[0] ?? '?');
}

/** Peak and current resident memory of a process, MB (Linux /proc). */
function rssMb(pid: number): { now: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
  return { now: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

async function main(): Promise<void> {
  const out = join(DIR, `out-${ROWS}`);
  await buildManifest(out);
  const t0 = performance.now();
  const { child, url, origin } = await startServer(out);
  const startMs = performance.now() - t0;
  const serverPid = child.pid as number;
  const login = await fetch(url, { redirect: 'manual' });
  const cookie = String(login.headers.get('set-cookie')).split(';')[0];
  const get = async (path: string, init: RequestInit = {}) => {
    const t = performance.now();
    const response = await fetch(origin + path, {
      ...init,
      headers: { cookie, 'content-type': 'application/json' },
    });
    const body = await response.json();
    if (!response.ok) throw new Error(`${path}: ${JSON.stringify(body)}`);
    return { ms: performance.now() - t, body };
  };
  const rows: Array<[string, string]> = [];
  const time = async (label: string, path: string, repeats = 1, init?: RequestInit) => {
    const times: number[] = [];
    let body: unknown;
    for (let i = 0; i < repeats; i++) ({ ms: times[i], body } = await get(path, init));
    times.sort((a, b) => a - b);
    rows.push([
      label,
      repeats > 1
        ? `median ${times[repeats >> 1].toFixed(1)} ms, max ${times[repeats - 1].toFixed(1)} ms (${repeats}×)`
        : `${times[0].toFixed(1)} ms`,
    ]);
    return body as { next: unknown; tiles: unknown[]; total: number | null };
  };

  await time('first page (cold): /api/files?total=1, 100 tiles', '/api/files?total=1');
  /** Walks `pages` pages of a query by its cursors; returns each page's ms. */
  const walk = async (label: string, query: string, pages: number) => {
    let after: unknown = null;
    const times: number[] = [];
    for (let i = 0; i < pages; i++) {
      const { ms, body } = await get(
        `/api/files?${query}${after ? `&after=${encodeURIComponent(JSON.stringify(after))}` : ''}`,
      );
      times.push(ms);
      after = body.next;
    }
    times.sort((a, b) => a - b);
    rows.push([
      label,
      `median ${times[pages >> 1].toFixed(1)} ms, max ${times[pages - 1].toFixed(1)} ms (${pages} pages)`,
    ]);
  };
  await walk('paging by path', 'sort=path', 30);
  await walk('sorted by BRISQUE, paging', 'sort=brisque', 30);
  await walk('sorted by BRISQUE desc, paging', 'sort=brisque&dir=desc', 30);
  await walk('sorted by |roll|, paging', 'sort=roll', 30);
  await walk('sorted by face size, paging', 'sort=faceSize', 30);
  await walk('closest to the face BRISQUE threshold, paging', 'sort=faceBrisque&near=1', 10);
  await walk('sorted by face BRISQUE, paging', 'sort=faceBrisque', 30);
  await walk('rejected as blurry, sorted by BRISQUE', 'reason=blurry&sort=brisque', 10);
  await walk('kept only, sorted by symmetry', 'decision=keep&sort=symmetry', 10);
  await walk(
    'kept only, sorted by BRISQUE desc (kept at the far end)',
    'decision=keep&sort=brisque&dir=desc',
    10,
  );
  await time('first page + total, sorted by BRISQUE', '/api/files?sort=brisque&total=1', 5);
  await time('first page + total, rejected as tilted', '/api/files?reason=tilted&total=1', 5);
  await time('counts (after each change)', '/api/counts', 5);
  await time('detail of one file', '/api/files/12345', 5);
  await time('override write (a)', '/api/files/777/override', 1, {
    method: 'POST',
    body: JSON.stringify({ decision: 'keep' }),
  });
  await time('undo (u)', '/api/undo', 1, { method: 'POST', body: '{}' });
  const jobs = watchChildren(serverPid);
  // While the preview re-decides every row in its child, the server keeps answering pages.
  const preview = time(
    'threshold preview (faceBrisque 45, re-decide every row)',
    '/api/thresholds/preview',
    1,
    {
      method: 'POST',
      body: JSON.stringify({ thresholds: { faceBrisque: 45 } }),
    },
  );
  await new Promise((r) => setTimeout(r, 300));
  await walk('paging during the preview (sorted by BRISQUE)', 'sort=brisque', 10);
  const progress = (await get('/api/thresholds/progress')).body as { running: unknown };
  rows.push(['progress reported during the preview', JSON.stringify(progress.running)]);
  await preview;
  await walk('paging through the preview flips', 'selection=1&sort=brisque', 10);
  for (const faceBrisque of [45, 55]) {
    await time(
      `apply faceBrisque ${faceBrisque} (${faceBrisque === 55 ? 'back to the default' : 'writes every change'})`,
      '/api/thresholds/apply',
      1,
      {
        method: 'POST',
        body: JSON.stringify({ thresholds: { faceBrisque } }),
      },
    );
  }
  await time('counts after apply', '/api/counts', 3);
  const afterApi = rssMb(serverPid);
  // decisions.csv is rewritten 0.5 s after the override; wait for it to settle.
  for (let i = 0; i < 200; i++) {
    const { body } = await get('/api/counts');
    if (!(body as { csvPending: boolean }).csvPending) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  await new Promise((r) => setTimeout(r, 500));
  const afterCsv = rssMb(serverPid);
  const jobPeaks = jobs.stop();

  let renderMs: number | null = null;
  let renderParts = '';
  let openMs: number | null = null;
  if (CHROMIUM_PATH) {
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--no-sandbox'] });
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const t0 = performance.now();
    await page.goto(url);
    await page.waitForSelector('body[data-ready="true"]');
    openMs = performance.now() - t0;
    const t = performance.now();
    await page.reload();
    await page.waitForSelector('body[data-ready="true"]');
    renderMs = performance.now() - t;
    // Where the time went: the page's requests (start → end, ms after navigation start).
    renderParts = await page.evaluate(() =>
      [
        ...performance.getEntriesByType('navigation'),
        ...performance.getEntriesByType('resource').filter((e) => !e.name.includes('/media/')),
      ]
        .map(
          (e) =>
            `${new URL(e.name).pathname}${new URL(e.name).search.slice(0, 20)} ${e.startTime.toFixed(0)}→${(e.startTime + e.duration).toFixed(0)}`,
        )
        .join(', '),
    );
    await browser.close();
  }
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));

  console.log(
    `\nreview server over ${ROWS.toLocaleString('en')} rows (machine shared with other work: figures under load)`,
  );
  console.log(`  server start → URL printed: ${startMs.toFixed(0)} ms`);
  console.log(
    `  first page rendered in chromium (reload → tiles + counts): ${renderMs === null ? 'no chromium' : `${renderMs.toFixed(0)} ms`}`,
  );
  if (openMs !== null)
    console.log(`  first open in chromium (token URL → redirect → tiles + counts): ${openMs.toFixed(0)} ms`);
  if (renderParts) console.log(`    requests (ms after navigation start): ${renderParts}`);
  for (const [label, value] of rows) console.log(`  ${label.padEnd(56)} ${value}`);
  for (const [script, peak] of jobPeaks) console.log(`  child ${script} peak RSS: ${peak.toFixed(0)} MB`);
  console.log(
    `  server RSS after the API calls: ${afterApi.now.toFixed(0)} MB (peak ${afterApi.peak.toFixed(0)} MB)`,
  );
  console.log(
    `  server RSS after rewriting decisions.csv: ${afterCsv.now.toFixed(0)} MB (peak ${afterCsv.peak.toFixed(0)} MB)`,
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
