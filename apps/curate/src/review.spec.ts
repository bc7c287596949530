import { Manifest } from '@portrait-forge/manifest';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, NODE_TSX, WORKSPACE } from './testing/corpus';

jest.setTimeout(60_000);

describe('curate review (server)', () => {
  it('prints a token URL on loopback, refuses requests without it, and stops cleanly on Ctrl-C', async () => {
    const out = mkdtempSync(join(tmpdir(), 'curate-review-'));
    Manifest.open(join(out, 'manifest.sqlite')).close();
    const [node, args] = NODE_TSX;
    const child = spawn(node, [...args, CLI, 'review', '--out', out], { cwd: WORKSPACE });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (c: Buffer) => {
        stdout += c.toString();
        const match = /review UI: (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(stdout);
        if (match) resolve(match[1]);
      });
      child.on('exit', (code) => reject(new Error(`exited ${code}: ${stderr}`)));
    });
    const origin = new URL(url).origin;
    expect((await fetch(`${origin}/api/counts`)).status).toBe(403);
    const login = await fetch(url, { redirect: 'manual' });
    expect(login.status).toBe(303);
    const cookie = String(login.headers.get('set-cookie')).split(';')[0];
    const counts = await fetch(`${origin}/api/counts`, { headers: { cookie } });
    expect(await counts.json()).toMatchObject({ total: 0, kept: 0 });
    const exit = new Promise<number | null>((resolve) => child.on('exit', resolve));
    child.kill('SIGINT');
    expect(await exit).toBe(0);
    expect(stderr).toBe('');
  });

  it('says what is wrong when the folder has no manifest', async () => {
    const out = mkdtempSync(join(tmpdir(), 'curate-review-none-'));
    const [node, args] = NODE_TSX;
    const child = spawn(node, [...args, CLI, 'review', '--out', out], { cwd: WORKSPACE });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(1);
    expect(stderr).toMatch(/no manifest here; run `nx run curate:filter` first/);
  });
});
