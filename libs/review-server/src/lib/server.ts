import fastifyCookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import { DECISIONS_FILE, MANIFEST_FILE } from '@portrait-forge/curation/decide';
import { Manifest } from '@portrait-forge/manifest';
import Fastify, { type FastifyInstance } from 'fastify';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import { isIP } from 'node:net';
import { join, resolve } from 'node:path';
import { registerApi } from './api';
import { DecisionsCsvSync } from './csv-sync';
import { RedecideJobs } from './redecide-jobs';

export const PUBLIC_DIR = resolve(__dirname, '../public');
export const SESSION_COOKIE = 'pf_review_session';
const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

export interface ReviewServerOptions {
  /** Output folder of a filter run (holds manifest.sqlite, decisions.csv, thumbs/, aligned/). */
  outDir: string;
  /** Default 127.0.0.1: only this machine. */
  host?: string;
  /** Default 0: a free port. */
  port?: number;
  /** decisions.csv is rewritten this long after the first of a burst of changes. */
  csvDelayMs?: number;
  log?: (line: string) => void;
}

export interface ReviewServer {
  /** Open this: it carries the access token. */
  url: string;
  host: string;
  port: number;
  token: string;
  manifest: Manifest;
  csv: DecisionsCsvSync;
  /** Stops listening, brings decisions.csv up to date, ends the review run and closes the manifest. */
  close(): Promise<void>;
}

const sameSecret = (given: string | undefined, secret: string) => {
  if (typeof given !== 'string' || given.length !== secret.length) return false;
  return timingSafeEqual(Buffer.from(given), Buffer.from(secret));
};

export function isLoopback(host: string): boolean {
  return LOOPBACK.has(host) || (isIP(host) === 4 && host.startsWith('127.'));
}

/**
 * Every request needs the token (`?token=`, which sets an HttpOnly SameSite=Strict session cookie
 * and drops the token from the address bar) or that cookie: other local users and web pages get 403.
 */
function requireSession(app: FastifyInstance, token: string, session: string): void {
  app.addHook('onRequest', async (request, reply) => {
    const query = request.query as Record<string, string | undefined>;
    if (sameSecret(query['token'], token)) {
      reply.setCookie(SESSION_COOKIE, session, { httpOnly: true, sameSite: 'strict', path: '/' });
      if (
        request.method === 'GET' &&
        !request.url.startsWith('/api/') &&
        !request.url.startsWith('/media/')
      ) {
        return reply.redirect(request.url.split('?')[0] || '/', 303);
      }
      return;
    }
    if (sameSecret(request.cookies[SESSION_COOKIE], session)) return;
    return reply
      .code(403)
      .type('text/plain')
      .send('forbidden: open the URL that `curate review` printed (it carries the access token)\n');
  });
  app.addHook('onSend', async (request, reply, payload) => {
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('Referrer-Policy', 'no-referrer');
    reply.header(
      'Content-Security-Policy',
      "default-src 'self'; img-src 'self'; style-src 'self'; script-src 'self'; frame-ancestors 'none'",
    );
    if (request.url.startsWith('/api/')) reply.header('Cache-Control', 'no-store');
    return payload;
  });
}

/** Starts the review UI over `<outDir>/manifest.sqlite`; resolves once it listens. */
export async function startReviewServer(options: ReviewServerOptions): Promise<ReviewServer> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const outDir = resolve(options.outDir);
  const manifestFile = join(outDir, MANIFEST_FILE);
  if (!existsSync(manifestFile)) {
    throw new Error(
      `${manifestFile}: no manifest here; run \`nx run curate:filter\` first or pass --out DIR`,
    );
  }
  const host = options.host ?? '127.0.0.1';
  if (!isLoopback(host)) {
    log(
      `warning: listening on ${host}, not only this machine: anyone who can reach it and has the URL can change the manifest`,
    );
  }
  const manifest = Manifest.open(manifestFile);
  manifest.refreshQueryStats();
  const csv = new DecisionsCsvSync(
    manifestFile,
    join(outDir, DECISIONS_FILE),
    options.csvDelayMs ?? 500,
    log,
  );
  const token = randomBytes(24).toString('base64url');
  const session = randomBytes(32).toString('base64url');
  const runId = manifest.startRun({
    kind: 'review',
    inputRoot: null,
    config: { ui: true, host },
    thresholds: {},
    versions: {},
  });
  const started = manifest.galleryCounts().overrides;

  const app = Fastify({ logger: false, bodyLimit: 1 << 20 });
  await app.register(fastifyCookie);
  requireSession(app, token, session);
  await app.register(fastifyStatic, { root: PUBLIC_DIR, prefix: '/', index: 'index.html', dotfiles: 'deny' });
  const jobs = new RedecideJobs(manifestFile);
  registerApi(app, {
    manifest,
    outDir,
    inputRoot: manifest.lastRun('filter')?.inputRoot ?? null,
    csv,
    jobs,
  });

  try {
    await app.listen({ host, port: options.port ?? 0 });
  } catch (err) {
    manifest.close();
    throw new Error(
      `cannot listen on ${host}:${options.port ?? 0} (${err instanceof Error ? err.message : err}); pick another --port/--host`,
      { cause: err },
    );
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 0);
  const urlHost = host.includes(':') ? `[${host}]` : host;
  let closed: Promise<void> | null = null;
  return {
    url: `http://${urlHost}:${port}/?token=${token}`,
    host,
    port,
    token,
    manifest,
    csv,
    close() {
      closed ??= (async () => {
        await app.close();
        await jobs.idle();
        await csv.flush();
        const now = manifest.galleryCounts().overrides;
        manifest.endRun(runId, {
          keepOverrides: now.keep - started.keep,
          rejectOverrides: now.reject - started.reject,
        });
        manifest.close();
      })();
      return closed;
    },
  };
}
