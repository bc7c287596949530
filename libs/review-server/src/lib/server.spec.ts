import Database from 'better-sqlite3';
import { Manifest } from '@portrait-forge/manifest';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFixture } from '../testing/fixture';
import { isLoopback, SESSION_COOKIE, startReviewServer, type ReviewServer } from './server';

jest.setTimeout(30_000);

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw HTTP request: the path goes out byte for byte (fetch would normalise `..` away). */
function raw(
  server: Pick<ReviewServer, 'port'>,
  path: string,
  options: { cookie?: string; method?: string; body?: unknown; host?: string } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    const req = request(
      {
        host: options.host ?? '127.0.0.1',
        port: server.port,
        path,
        method: options.method ?? 'GET',
        headers: {
          ...(options.cookie ? { cookie: options.cookie } : {}),
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** The session cookie the token URL sets. */
async function login(server: ReviewServer): Promise<string> {
  const answer = await raw(server, `/?token=${server.token}`);
  const setCookie = String(answer.headers['set-cookie'] ?? '');
  return setCookie.split(';')[0];
}

describe('review server security', () => {
  let server: ReviewServer;
  let out: string;
  let base: string;
  let cookie: string;

  beforeAll(async () => {
    base = mkdtempSync(join(tmpdir(), 'review-server-'));
    ({ out } = await writeFixture(base, 6));
    server = await startReviewServer({ outDir: out, log: () => undefined, csvDelayMs: 10 });
    cookie = await login(server);
  });
  afterAll(() => server.close());

  it('refuses every request without the token or the session cookie', async () => {
    for (const path of [
      '/',
      '/index.html',
      '/app.js',
      '/api/counts',
      '/api/files',
      '/media/thumb/1',
      '/api/files/1',
    ]) {
      const answer = await raw(server, path);
      expect([path, answer.status]).toEqual([path, 403]);
      expect(answer.body).toMatch(/access token/);
    }
    expect((await raw(server, '/api/undo', { method: 'POST' })).status).toBe(403);
    expect((await raw(server, `/api/counts?token=${server.token.slice(1)}x`)).status).toBe(403);
    expect((await raw(server, '/api/counts', { cookie: `${SESSION_COOKIE}=guess` })).status).toBe(403);
  });

  it('turns the token into an HttpOnly SameSite=Strict cookie and drops it from the address', async () => {
    const answer = await raw(server, `/?token=${server.token}`);
    expect(answer.status).toBe(303);
    expect(answer.headers['location']).toBe('/');
    const setCookie = String(answer.headers['set-cookie']);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    expect(setCookie).not.toContain(server.token);
    const page = await raw(server, '/', { cookie });
    expect(page.status).toBe(200);
    expect(page.body).toContain('portrait-forge review');
    expect(page.headers['content-security-policy']).toMatch(/default-src 'self'/);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${server.token}`);
  });

  it('refuses ../ and absolute paths in URLs', async () => {
    const attempts = [
      '/../../../../etc/passwd',
      '/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
      '/..%2f..%2f..%2fetc%2fpasswd',
      '//etc/passwd',
      '/media/thumb/../../../../etc/passwd',
      '/media/thumb/..%2f..%2f..%2fetc%2fpasswd',
      '/media/source/%2Fetc%2Fpasswd',
      '/media/source/1%2f..%2f..%2fmanifest.sqlite',
      '/manifest.sqlite',
      '/../out/manifest.sqlite',
    ];
    for (const path of attempts) {
      const answer = await raw(server, path, { cookie });
      expect([path, answer.status >= 400]).toEqual([path, true]);
      expect(answer.body).not.toMatch(/root:|SQLite format/);
    }
  });

  it('refuses tampered rows whose stored paths lead outside the output or input folder', async () => {
    const secret = join(base, 'secret.jpg');
    writeFileSync(secret, 'not for the browser');
    symlinkSync(secret, join(out, 'thumbs', 'link-out.jpg'));
    const db = new Database(join(out, 'manifest.sqlite'));
    const tamper = db.prepare(`UPDATE files SET thumb_path = ?, aligned_path = ?, path = ? WHERE id = ?`);
    tamper.run('../secret.jpg', '/etc/passwd', '../secret.jpg', 2);
    tamper.run('thumbs/../../secret.jpg', 'C:\\Windows\\win.ini', '/etc/passwd', 3);
    tamper.run('thumbs/link-out.jpg', 'aligned/../../in/photo-0.jpg', 'photo-3.jpg/../../secret.jpg', 4);
    db.close();
    for (const [kind, id] of [
      ['thumb', 2],
      ['aligned', 2],
      ['source', 2],
      ['thumb', 3],
      ['aligned', 3],
      ['source', 3],
      ['thumb', 4],
      ['aligned', 4],
      ['source', 4],
    ] as const) {
      const answer = await raw(server, `/media/${kind}/${id}`, { cookie });
      expect([kind, id, answer.status]).toEqual([kind, id, 403]);
      expect(answer.body).toMatch(/leads outside/);
    }
    expect((await raw(server, '/media/thumb/1', { cookie })).status).toBe(200);
    expect((await raw(server, '/media/source/1', { cookie })).status).toBe(200);
    expect((await raw(server, '/media/thumb/999', { cookie })).status).toBe(404);
  });

  it('listens on loopback only by default', async () => {
    expect(server.host).toBe('127.0.0.1');
    const others = Object.values(networkInterfaces())
      .flat()
      .filter((a) => a && a.family === 'IPv4' && !a.internal)
      .map((a) => a!.address);
    for (const host of others) {
      await expect(raw(server, '/', { host })).rejects.toThrow(/ECONNREFUSED/);
    }
    expect(isLoopback('127.0.0.1') && isLoopback('::1') && isLoopback('localhost')).toBe(true);
    expect(isLoopback('0.0.0.0') || isLoopback('192.168.1.2')).toBe(false);
  });

  it('answers reads while another process holds a write transaction (WAL)', async () => {
    const writer = new Database(join(out, 'manifest.sqlite'));
    writer.pragma('busy_timeout = 0');
    writer.exec('BEGIN IMMEDIATE');
    writer
      .prepare(`INSERT INTO files (path, size, mtime_ms, decision) VALUES ('late.jpg', 1, 0, 'reject')`)
      .run();
    const during = await raw(server, '/api/files?total=1', { cookie });
    expect(during.status).toBe(200);
    expect(JSON.parse(during.body).total).toBe(6);
    writer.exec('COMMIT');
    writer.close();
    expect(JSON.parse((await raw(server, '/api/files?total=1', { cookie })).body).total).toBe(7);
  });

  it('gives clear 400s for bad input', async () => {
    const bad = await raw(server, '/api/files?sort=nonsense', { cookie });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body).error).toMatch(/sort/);
    const unknown = await raw(server, '/api/thresholds/preview', {
      cookie,
      method: 'POST',
      body: { thresholds: { face: { maxRol: 3 } } },
    });
    expect([unknown.status, JSON.parse(unknown.body).error]).toEqual([400, expect.stringMatching(/maxRol/)]);
    const decision = await raw(server, '/api/files/1/override', {
      cookie,
      method: 'POST',
      body: { decision: 'maybe' },
    });
    expect([decision.status, JSON.parse(decision.body).error]).toEqual([
      400,
      expect.stringMatching(/decision/),
    ]);
  });
});

describe('review server start', () => {
  it('refuses a manifest from a newer schema, and a folder without one', async () => {
    const base = mkdtempSync(join(tmpdir(), 'review-newer-'));
    const { out } = await writeFixture(base, 1);
    const db = new Database(join(out, 'manifest.sqlite'));
    db.pragma('user_version = 99');
    db.close();
    await expect(startReviewServer({ outDir: out, log: () => undefined })).rejects.toThrow(
      /schema v99 is newer than this build/,
    );
    mkdirSync(join(base, 'empty'));
    await expect(startReviewServer({ outDir: join(base, 'empty') })).rejects.toThrow(/no manifest here/);
  });

  it('warns when asked to listen beyond this machine', async () => {
    const { out } = await writeFixture(mkdtempSync(join(tmpdir(), 'review-host-')), 1);
    const lines: string[] = [];
    const server = await startReviewServer({ outDir: out, host: '0.0.0.0', log: (l) => lines.push(l) });
    await server.close();
    expect(lines.join('\n')).toMatch(/warning: listening on 0\.0\.0\.0/);
  });

  it('writes decisions.csv after each change and records the review as a run', async () => {
    const { out } = await writeFixture(mkdtempSync(join(tmpdir(), 'review-csv-')), 2);
    const server = await startReviewServer({ outDir: out, log: () => undefined, csvDelayMs: 5 });
    const cookie = await login(server);
    await raw(server, '/api/files/2/override', { cookie, method: 'POST', body: { decision: 'reject' } });
    await server.csv.flush();
    const csv = readFileSync(join(out, 'decisions.csv'), 'utf8');
    expect(csv.split('\n')[2]).toMatch(/^photo-1\.jpg,reject,,.*,reject,,$/);
    await server.close();
    const m = Manifest.open(join(out, 'manifest.sqlite'), { readonly: true });
    expect(m.lastRun('review')?.counts).toEqual({ keepOverrides: 0, rejectOverrides: 1 });
    m.close();
  });
});
