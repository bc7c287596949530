import { FILE_PROBLEM_REASONS } from '@portrait-forge/curation';
import { Manifest } from '@portrait-forge/manifest';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { CLI, NODE_TSX, portrait, SAMPLES, WORKSPACE, writeBadCorpus } from './testing/corpus';

jest.setTimeout(240_000);

const [NODE, NODE_ARGS] = NODE_TSX;
const runCli = (args: string[]) =>
  spawnSync(NODE, [...NODE_ARGS, CLI, ...args], {
    cwd: WORKSPACE,
    encoding: 'utf8',
    env: { ...process.env, FORCE_COLOR: '0' },
  });

function parseCsv(text: string): Array<Record<string, string>> {
  const [header, ...lines] = text.trim().split('\n');
  const cols = header.split(',');
  return lines.map((line) => {
    const cells: string[] = [];
    let cur = '';
    let quoted = false;
    for (let i = 0; i < line.length; i++) {
      const ch = line[i];
      if (quoted && ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = !quoted;
      else if (ch === ',' && !quoted) {
        cells.push(cur);
        cur = '';
      } else cur += ch;
    }
    cells.push(cur);
    return Object.fromEntries(cols.map((c, i) => [c, cells[i]]));
  });
}

/** Seven small photos of every outcome, in `base`/in. */
async function resumeCorpus(base: string): Promise<string> {
  const input = join(base, 'in');
  mkdirSync(join(input, 'derived'), { recursive: true });
  const sources = [
    'grace_hopper.jpg',
    'astronaut.png',
    'derived/grace_hopper_tilted.jpg',
    'derived/grace_hopper_blurred.jpg',
    'derived/hopper_and_astronaut_multi.jpg',
    'coffee.png',
  ];
  for (const s of sources) {
    writeFileSync(
      join(input, s.replace(/\.png$/, '.jpg')),
      await sharp(join(SAMPLES, s)).resize({ width: 320 }).jpeg().toBuffer(),
    );
  }
  writeFileSync(join(input, 'extra.jpg'), await portrait(300).flop().jpeg().toBuffer());
  return input;
}

/** A reference run of the resume corpus to completion, then a second run of it spawned for the test to interrupt. */
async function referenceThenSecondRun(prefix: string, batchSize: number, stdout: 'ignore' | 'pipe') {
  const base = mkdtempSync(join(tmpdir(), prefix));
  const input = await resumeCorpus(base);
  const full = join(base, 'full');
  const out = join(base, 'second');
  const common = ['--input', input, '--workers', '1', '--no-progress', '--batch-size', String(batchSize)];
  expect(runCli(['filter', ...common, '--out', full]).status).toBe(0);
  const child = spawn(NODE, [...NODE_ARGS, CLI, 'filter', ...common, '--out', out], {
    cwd: WORKSPACE,
    stdio: ['ignore', stdout, stdout],
  });
  return { common, full, out, child };
}

/** `--resume` keeps the `committed` rows the interrupted run recorded and ends with the reference's decisions.csv. */
function resumeMatchesReference(common: string[], out: string, full: string, committed: number): void {
  const res = runCli(['filter', ...common, '--out', out, '--resume']);
  expect(res.status).toBe(0);
  expect(res.stdout).toMatch(new RegExp(`unchanged \\(resume\\)\\s+${committed}`));
  expect(readFileSync(join(out, 'decisions.csv'), 'utf8')).toBe(
    readFileSync(join(full, 'decisions.csv'), 'utf8'),
  );
}

describe('curate filter', () => {
  it('runs a corpus of bad inputs to completion with a clear reason per file and the right kept count', async () => {
    const base = mkdtempSync(join(tmpdir(), 'curate-bad-'));
    const { dir, expected } = await writeBadCorpus(base);
    const out = join(base, 'out');
    const res = runCli(['filter', '--input', dir, '--out', out, '--workers', '1', '--no-progress']);
    expect(res.stderr + res.stdout).not.toMatch(/TypeError|ReferenceError|at .*\.ts:\d+/);
    expect(res.status).toBe(0);
    expect(res.stdout).toMatch(/by outcome:/);
    const rows = parseCsv(readFileSync(join(out, 'decisions.csv'), 'utf8'));
    const byFile = new Map(rows.map((r) => [r['file'], r]));
    expect([...byFile.keys()].sort()).toEqual(Object.keys(expected).sort());
    for (const [file, want] of Object.entries(expected)) {
      const row = byFile.get(file)!;
      if (want === 'keep') expect([file, row['decision']]).toEqual([file, 'keep']);
      else if (want === 'reject')
        expect([file, row['decision'], row['reasons'] !== '']).toEqual([file, 'reject', true]);
      else expect([file, row['decision'], row['reasons'].split(';')[0]]).toEqual([file, 'reject', want]);
      if (row['decision'] === 'reject' && (FILE_PROBLEM_REASONS as readonly string[]).includes(want)) {
        expect(row['error'].length).toBeGreaterThan(10);
      }
    }
    expect(byFile.get('bomb-30000x30000.png')!['error']).toMatch(/decompression-bomb/);
    const manifest = Manifest.open(join(out, 'manifest.sqlite'), { readonly: true });
    expect(
      manifest
        .kept()
        .map((k) => k.path)
        .sort(),
    ).toEqual(
      Object.keys(expected)
        .filter((f) => expected[f] === 'keep')
        .sort(),
    );
    manifest.close();
  });

  it('resumes after SIGKILL to the same manifest as an uninterrupted run', async () => {
    const { common, full, out: resumed, child } = await referenceThenSecondRun('curate-resume-', 1, 'ignore');

    // Kill the second run once a couple of rows are committed, then resume it.
    await new Promise<number>((resolve, reject) => {
      const timer = setInterval(() => {
        try {
          const file = join(resumed, 'manifest.sqlite');
          if (!existsSync(file)) return;
          const m = Manifest.open(file, { readonly: true });
          const n = m.files().length;
          m.close();
          if (n >= 2) {
            clearInterval(timer);
            child.kill('SIGKILL');
            resolve(n);
          }
        } catch {
          /* the writer may be mid-migration; poll again */
        }
      }, 100);
      child.on('exit', () => {
        clearInterval(timer);
        reject(new Error('filter finished before it could be killed'));
      });
    });
    await new Promise((r) => child.on('exit', r));
    const killed = Manifest.open(join(resumed, 'manifest.sqlite'));
    const killedAfter = killed.files().length;
    killed.close();
    expect(killedAfter).toBeLessThan(7);
    resumeMatchesReference(common, resumed, full, killedAfter);

    const snapshot = (out: string) => {
      const m = Manifest.open(join(out, 'manifest.sqlite'), { readonly: true });
      const files = m.files().map((f) => ({ ...f, id: 0, runId: 0, stageMs: {} }));
      const faces = m.faceCount();
      m.close();
      return { files, faces };
    };
    const a = snapshot(full);
    const b = snapshot(resumed);
    expect(b.files.map((f) => f.path)).toEqual(a.files.map((f) => f.path));
    expect(b).toEqual(a);
    for (const f of b.files) if (f.alignedPath) expect(existsSync(join(resumed, f.alignedPath))).toBe(true);
  });
  it('SIGINT: the files in flight finish and every analysed row is committed; --resume finishes the run', async () => {
    // One batch for the whole run: only the stop itself (or the 2 s flush) can commit the rows.
    const {
      common,
      full,
      out: stopped,
      child,
    } = await referenceThenSecondRun('curate-sigint-', 1000, 'pipe');
    let stdout = '';
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    const thumbs = join(stopped, 'thumbs');
    const thumbsOnDisk = () =>
      existsSync(thumbs) ? readdirSync(thumbs).filter((f) => f.endsWith('.jpg')) : [];
    const code = await new Promise<number | null>((resolve) => {
      const timer = setInterval(() => {
        if (thumbsOnDisk().length >= 1) {
          clearInterval(timer);
          child.kill('SIGINT');
        }
      }, 20);
      child.on('exit', (exitCode) => {
        clearInterval(timer);
        resolve(exitCode);
      });
    });
    expect(code).toBe(130);
    expect(stdout).toMatch(/interrupted: run again with --resume/);
    const m = Manifest.open(join(stopped, 'manifest.sqlite'), { readonly: true });
    const rows = m.files();
    m.close();
    expect(rows.length).toBeGreaterThanOrEqual(1);
    expect(rows.length).toBeLessThan(7);
    // Every file that got as far as its thumbnail has its row.
    expect(rows.map((r) => r.thumbPath?.replace('thumbs/', '')).sort()).toEqual(thumbsOnDisk().sort());

    resumeMatchesReference(common, stopped, full, rows.length);
  });
});
