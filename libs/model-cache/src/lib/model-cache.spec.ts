import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  clearVerifiedCache,
  ensureModel,
  ModelCacheError,
  modelCachePath,
  resolveCacheDir,
  type ModelSpec,
} from './model-cache';

const payload = randomBytes(300_000);
const sha = createHash('sha256').update(payload).digest('hex');
const requests: string[] = [];
let server: Server;
let base: string;
let cacheDir: string;
const quiet = () => undefined;

function spec(path: string, overrides: Partial<ModelSpec> = {}): ModelSpec {
  return {
    name: 'tiny',
    url: `${base}${path}`,
    bytes: payload.length,
    sha256: sha,
    fileName: 'tiny.onnx',
    ...overrides,
  };
}

beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push(req.url ?? '');
    if (req.url === '/good.onnx') {
      res.writeHead(200, { 'content-length': payload.length });
      res.end(payload);
    } else if (req.url === '/bad.onnx') {
      const other = Buffer.from(payload);
      other[1000] ^= 0xff;
      res.end(other);
    } else if (req.url === '/short.onnx') {
      res.end(payload.subarray(0, 1000));
    } else if (req.url === '/cut.onnx') {
      // Promises the full length, then the connection dies half-way.
      res.writeHead(200, { 'content-length': payload.length });
      res.write(payload.subarray(0, 150_000), () => res.destroy());
    } else {
      res.writeHead(404, 'Not Found');
      res.end('nope');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

beforeEach(async () => {
  cacheDir = await mkdtemp(join(tmpdir(), 'model-cache-'));
  requests.length = 0;
  clearVerifiedCache();
});

afterEach(() => rm(cacheDir, { recursive: true, force: true }));

const leftovers = async () => (await readdir(cacheDir)).filter((f) => f.endsWith('.tmp'));

describe('ensureModel', () => {
  it('downloads, verifies and caches a good file; the second call does not touch the network', async () => {
    const path = await ensureModel(spec('/good.onnx'), { cacheDir, log: quiet, progress: false });
    expect(path).toBe(join(cacheDir, 'tiny.onnx'));
    expect(Buffer.compare(await readFile(path), payload)).toBe(0);
    clearVerifiedCache(); // forces a re-hash of the cached file rather than the in-memory shortcut
    expect(await ensureModel(spec('/good.onnx'), { cacheDir, log: quiet })).toBe(path);
    expect(requests).toEqual(['/good.onnx']);
  });

  it('rejects a wrong checksum, caches nothing and names the URL and the fix', async () => {
    const run = ensureModel(spec('/bad.onnx'), {
      cacheDir,
      log: quiet,
      progress: false,
      overrideHint: '--u2net-model PATH',
    });
    await expect(run).rejects.toThrow(ModelCacheError);
    await expect(
      ensureModel(spec('/bad.onnx'), {
        cacheDir,
        log: quiet,
        progress: false,
        overrideHint: '--u2net-model PATH',
      }),
    ).rejects.toThrow(
      new RegExp(
        `sha256 [0-9a-f]{64} instead of ${sha}.*download it yourself from ${base}/bad.onnx.*--u2net-model PATH`,
      ),
    );
    expect(await readdir(cacheDir)).toEqual([]);
  });

  it('rejects a short body (no content-length) by size', async () => {
    await expect(ensureModel(spec('/short.onnx'), { cacheDir, log: quiet, progress: false })).rejects.toThrow(
      /1000 bytes instead of 300000/,
    );
    expect(await readdir(cacheDir)).toEqual([]);
  });

  it('reports a connection cut mid-transfer and leaves no partial file', async () => {
    await expect(ensureModel(spec('/cut.onnx'), { cacheDir, log: quiet, progress: false })).rejects.toThrow(
      /broke off after \d+ of 300000 bytes/,
    );
    expect(await leftovers()).toEqual([]);
    expect(await readdir(cacheDir)).toEqual([]);
  });

  it('reports HTTP 404 with the URL', async () => {
    await expect(ensureModel(spec('/missing.onnx'), { cacheDir, log: quiet })).rejects.toThrow(
      new RegExp(`${base}/missing.onnx failed with HTTP 404`),
    );
  });

  it('reports an unreachable host with the manual-download fix', async () => {
    const s = spec('/good.onnx', { url: 'http://127.0.0.1:1/good.onnx' });
    await expect(ensureModel(s, { cacheDir, log: quiet, overrideHint: '--model PATH' })).rejects.toThrow(
      /cannot reach http:\/\/127.0.0.1:1\/good.onnx .*--model PATH/,
    );
  });

  it('replaces a corrupt cached copy', async () => {
    await writeFile(join(cacheDir, 'tiny.onnx'), payload.subarray(0, 10));
    const path = await ensureModel(spec('/good.onnx'), { cacheDir, log: quiet, progress: false });
    expect((await readFile(path)).length).toBe(payload.length);
  });

  it('with downloads disabled, says where the file must go', async () => {
    await expect(
      ensureModel(spec('/good.onnx'), { cacheDir, allowDownload: false, log: quiet }),
    ).rejects.toThrow(
      new RegExp(`${join(cacheDir, 'tiny.onnx')} is not in the cache and downloads are disabled`),
    );
    expect(requests).toEqual([]);
  });

  it('uses a local path as given, warning when its checksum differs', async () => {
    const local = join(cacheDir, 'mine.onnx');
    await writeFile(local, 'not the pinned model');
    const lines: string[] = [];
    expect(await ensureModel(spec('/good.onnx'), { localPath: local, log: (l) => lines.push(l) })).toBe(
      local,
    );
    expect(lines.join('\n')).toMatch(/not the pinned/);
    await expect(
      ensureModel(spec('/good.onnx'), { localPath: join(cacheDir, 'nope.onnx'), log: quiet }),
    ).rejects.toThrow(/nope.onnx does not exist/);
    expect(requests).toEqual([]);
  });
});

describe('cache location', () => {
  it('prefers PORTRAIT_FORGE_MODELS, then XDG_CACHE_HOME, then ~/.cache', () => {
    expect(resolveCacheDir({ PORTRAIT_FORGE_MODELS: '/m' })).toBe('/m');
    expect(resolveCacheDir({ XDG_CACHE_HOME: '/x' })).toBe('/x/portrait-forge');
    expect(resolveCacheDir({})).toMatch(/\.cache\/portrait-forge$/);
  });

  it('names the cached file after the URL unless fileName is given', () => {
    const s: ModelSpec = { name: 'u', url: 'https://h/a/b/u2netp.onnx?x=1', bytes: 1, sha256: 'x' };
    expect(modelCachePath(s, '/c')).toBe('/c/u2netp.onnx');
  });
});
