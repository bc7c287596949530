import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { tempManifestPath } from '../testing';
import { lockFileOf, lockManifest, ManifestLockedError, withManifestLock } from './lock';

/** A pid that certainly belonged to a process that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
    encoding: 'utf8',
  });
  return Number(child.stdout);
}

describe('manifest lock', () => {
  it('records the holder and refuses a second writer, naming the holder and how to clear it', () => {
    const file = tempManifestPath();
    const lock = lockManifest(file, 'filter');
    const recorded = JSON.parse(readFileSync(lockFileOf(file), 'utf8'));
    expect(recorded).toMatchObject({ pid: process.pid, host: hostname(), command: 'filter' });
    expect(() => lockManifest(file, 'merge')).toThrow(ManifestLockedError);
    expect(() => lockManifest(file, 'merge')).toThrow(
      new RegExp(`\`filter\` \\(pid ${process.pid} on ${hostname()}.*delete .*manifest\\.sqlite\\.lock`),
    );
    lock.release();
    expect(existsSync(lockFileOf(file))).toBe(false);
    lockManifest(file, 'merge').release();
  });

  it('refuses while a live process on this host holds it', async () => {
    const file = tempManifestPath();
    const sleeper = spawn('sleep', ['30']);
    try {
      const holder = { pid: sleeper.pid, host: hostname(), startedAt: 'then', command: 'filter' };
      writeFileSync(lockFileOf(file), JSON.stringify(holder));
      expect(() => lockManifest(file, 'decide')).toThrow(/pid \d+ on/);
    } finally {
      sleeper.kill('SIGKILL');
    }
  });

  it('takes over a stale lock of a dead process on this host, and says so', () => {
    const file = tempManifestPath();
    const pid = deadPid();
    writeFileSync(
      lockFileOf(file),
      JSON.stringify({ pid, host: hostname(), startedAt: 'then', command: 'filter' }),
    );
    const lines: string[] = [];
    const lock = lockManifest(file, 'filter', (l) => lines.push(l));
    expect(lines.join('\n')).toMatch(new RegExp(`took over a stale lock .*pid ${pid}`));
    expect(JSON.parse(readFileSync(lockFileOf(file), 'utf8')).pid).toBe(process.pid);
    lock.release();
  });

  it("never takes over another host's lock (its pid cannot be checked from here)", () => {
    const file = tempManifestPath();
    writeFileSync(
      lockFileOf(file),
      JSON.stringify({ pid: deadPid(), host: 'elsewhere', startedAt: 'then', command: 'filter' }),
    );
    expect(() => lockManifest(file, 'filter')).toThrow(/on elsewhere/);
  });

  it('withManifestLock releases when the work throws', async () => {
    const file = tempManifestPath();
    await expect(
      withManifestLock(file, 'decide', () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(existsSync(lockFileOf(file))).toBe(false);
  });
});
