import { lockManifest, Manifest } from '@portrait-forge/manifest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, NODE_TSX, portrait, SAMPLES, WORKSPACE } from './testing/corpus';

jest.setTimeout(900_000);

const [NODE, NODE_ARGS] = NODE_TSX;
const runCli = (args: string[]) =>
  spawnSync(NODE, [...NODE_ARGS, CLI, ...args], {
    cwd: WORKSPACE,
    encoding: 'utf8',
    env: { ...process.env, FORCE_COLOR: '0' },
  });
const startCli = (args: string[]): ChildProcess =>
  spawn(NODE, [...NODE_ARGS, CLI, ...args], { cwd: WORKSPACE, stdio: 'ignore' });
const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) =>
    child.exitCode !== null ? resolve(child.exitCode) : child.on('exit', (code) => resolve(code)),
  );
const waitFor = async (condition: () => boolean, what: string) => {
  for (let i = 0; i < 3000; i++) {
    if (condition()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
};
const rowCount = (file: string): number => {
  try {
    const m = Manifest.open(file, { readonly: true });
    const n = m.files({ faces: false }).length;
    m.close();
    return n;
  } catch {
    return 0; // not created or mid-migration yet
  }
};

/** What every other command reads: decisions.csv, and the kept set (path + content hash). */
const outcome = (out: string) => {
  const m = Manifest.open(join(out, 'manifest.sqlite'), { readonly: true });
  const kept = m.kept().map((k) => [k.path, k.sha256]);
  const faces = m.faceCount();
  m.close();
  return { csv: readFileSync(join(out, 'decisions.csv'), 'utf8'), kept, faces };
};

const common = ['--input', SAMPLES, '--workers', '1', '--no-progress'];

describe('curate filter --shard and curate merge', () => {
  it('4 concurrent shards, one killed with SIGKILL and re-run, merge to the same result as one unsharded run; merging twice changes nothing', async () => {
    const base = mkdtempSync(join(tmpdir(), 'curate-shards-'));
    const full = join(base, 'full');
    const sharded = join(base, 'sharded');
    expect(runCli(['filter', ...common, '--out', full]).status).toBe(0);

    const args = (k: number) => [
      'filter',
      ...common,
      '--batch-size',
      '1',
      '--out',
      sharded,
      '--shard',
      `${k}/4`,
    ];
    const shards = [0, 1, 2, 3].map((k) => startCli(args(k)));
    // Shard 0 holds the most sample files: kill it once it has committed a row.
    const shard0 = join(sharded, 'shards', '0-of-4', 'manifest.sqlite');
    await waitFor(() => rowCount(shard0) >= 1 || shards[0].exitCode !== null, 'shard 0 to commit a row');
    expect(shards[0].exitCode).toBeNull();
    shards[0].kill('SIGKILL');
    const codes = await Promise.all(shards.map(exited));
    expect(codes.slice(1)).toEqual([0, 0, 0]);
    expect(existsSync(join(sharded, 'shards', '0-of-4', 'done.json'))).toBe(false);

    const early = runCli(['merge', '--out', sharded]);
    expect(early.status).toBe(1);
    expect(early.stderr).toMatch(/not every shard has finished \(0\/4 running or killed\)/);

    const rerun = runCli(args(0));
    expect(rerun.stderr).toMatch(/took over a stale lock/);
    expect(rerun.status).toBe(0);
    expect(rerun.stdout).toMatch(/unchanged \(resume\)\s+[1-9]/);
    const again = runCli(args(1));
    expect([again.status, again.stdout]).toEqual([0, expect.stringMatching(/shard already finished/)]);

    const merged = runCli(['merge', '--out', sharded]);
    expect(merged.stderr).toBe('');
    expect(merged.status).toBe(0);
    const want = outcome(full);
    const got = outcome(sharded);
    expect(got).toEqual(want);
    expect(want.kept.length).toBeGreaterThan(0);

    const m = Manifest.open(join(sharded, 'manifest.sqlite'), { readonly: true });
    for (const f of m.files({ faces: false }))
      if (f.alignedPath) expect(existsSync(join(sharded, f.alignedPath))).toBe(true);
    const before = m.files();
    m.close();
    expect(runCli(['merge', '--out', sharded]).status).toBe(0);
    expect(outcome(sharded)).toEqual(got);
    const m2 = Manifest.open(join(sharded, 'manifest.sqlite'), { readonly: true });
    expect(m2.files()).toEqual(before);
    m2.close();
  });

  it('keeps rows of files it did not walk (--prune removes them), refuses another input root and a second concurrent run', async () => {
    const base = mkdtempSync(join(tmpdir(), 'curate-prune-'));
    const input = join(base, 'in');
    mkdirSync(input);
    writeFileSync(join(input, 'a.jpg'), await portrait(300).jpeg().toBuffer());
    writeFileSync(join(input, 'b.jpg'), await portrait(300).flop().jpeg().toBuffer());
    const out = join(base, 'out');
    const manifest = join(out, 'manifest.sqlite');
    const flags = ['--input', input, '--out', out, '--workers', '1', '--no-progress'];
    expect(runCli(['filter', ...flags]).status).toBe(0);
    expect(rowCount(manifest)).toBe(2);

    // The bug: a second pass over part of the collection deleted the other part's rows.
    const parked = join(base, 'parked-b.jpg');
    cpSync(join(input, 'b.jpg'), parked);
    rmSync(join(input, 'b.jpg'));
    const partial = runCli(['filter', ...flags, '--resume']);
    expect(partial.status).toBe(0);
    expect(partial.stderr).toMatch(/1 row\(s\) of files no longer under .* kept; pass --prune/);
    expect(rowCount(manifest)).toBe(2);
    const pruned = runCli(['filter', ...flags, '--resume', '--prune']);
    expect(pruned.status).toBe(0);
    expect(pruned.stdout).toMatch(/pruned \(gone from input\)\s+1/);
    expect(rowCount(manifest)).toBe(1);

    const other = join(base, 'other');
    mkdirSync(other);
    const refused = runCli(['filter', '--input', other, '--out', out, '--workers', '1', '--no-progress']);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/was made from --input .*\/in, not .*\/other; filter into another --out/);
    expect(rowCount(manifest)).toBe(1);

    // The bug: two runs on one --out at once, and one's rows were lost while both exited 0.
    cpSync(parked, join(input, 'b.jpg'));
    const first = startCli(['filter', ...flags]);
    await waitFor(() => existsSync(`${manifest}.lock`) || first.exitCode !== null, 'the lock');
    // Paused while the second run starts, so a first run faster than a CLI start cannot end the race
    // early; a stopped process is still a live holder.
    expect(first.kill('SIGSTOP')).toBe(true);
    const second = runCli(['filter', ...flags]);
    first.kill('SIGCONT');
    expect(second.status).toBe(1);
    expect(second.stderr).toMatch(/being written by `filter` \(pid \d+ on .*\); wait for it to finish/);
    expect(await exited(first)).toBe(0);
    expect(rowCount(manifest)).toBe(2);
    expect(existsSync(`${manifest}.lock`)).toBe(false);

    // decide and dedupe are writers too: refused while a live process holds the lock (this one,
    // standing in for a running filter), not while it does a dry run; they run once it is released.
    const held = lockManifest(manifest, 'filter');
    for (const args of [
      ['decide', '--out', out],
      ['dedupe', '--out', out],
    ]) {
      const refusedWriter = runCli(args);
      expect(refusedWriter.status).toBe(1);
      expect(refusedWriter.stderr).toMatch(
        /being written by `filter` \(pid \d+ on .*\); wait for it to finish/,
      );
    }
    expect(runCli(['decide', '--out', out, '--dry-run']).status).toBe(0);
    held.release();
    const decided = runCli(['decide', '--out', out]);
    expect(decided.status).toBe(0);
    expect(decided.stdout).toMatch(/2 files re-decided/);
    expect(existsSync(`${manifest}.lock`)).toBe(false);
  });
});
