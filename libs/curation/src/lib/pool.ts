import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Analysis, AnalysisConfig, AnalysisJob } from './analyse';
import { WorkerCrashedError } from './problems';

export type WorkerRequest =
  | { type: 'init'; config: AnalysisConfig }
  /** `crash`: fault injection for tests — the worker thread exits instead of analysing. */
  | { type: 'job'; id: number; job: AnalysisJob; crash?: boolean };
export type WorkerReply =
  | { type: 'ready'; backends: { detector: string; silhouette: string } }
  | { type: 'init_error'; message: string }
  | { type: 'log'; line: string }
  | { type: 'result'; id: number; analysis: Analysis }
  | { type: 'job_error'; id: number; message: string };

class WorkerDied extends Error {}

/** The workspace root (where tsconfig.base.json is), so tsx resolves the @portrait-forge/* paths. */
function workspaceRoot(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'tsconfig.base.json'))) return dir;
  }
  throw new Error(`cannot find tsconfig.base.json above ${__dirname}`);
}

interface Slot {
  worker: Worker;
  ready: Promise<{ detector: string; silhouette: string }>;
  busy: { id: number; resolve: (a: Analysis) => void; reject: (e: Error) => void } | null;
  idle: boolean;
}

export interface WorkerPoolOptions {
  /** Test hook: makes the worker thread exit on this attempt (1 = first try, 2 = the retry alone). */
  crashOn?: (job: AnalysisJob, attempt: number) => boolean;
}

/**
 * A worker allocates a few MB per photo (decoded regions, crops, model inputs and outputs); V8's default
 * young generation (16 MB semi-spaces) promotes them and the worker spent ~13 % of its time in GC at
 * 12 MP. 64 MB: −5–10 % CPU per 12 MP photo for +40–100 MB RSS (tools/bench/curate.ts, README).
 */
const WORKER_YOUNG_GENERATION_MB = 64;

/**
 * N worker threads, each with its own models, one job at a time each. A worker that dies (native
 * crash, out of memory) is replaced, and its file is retried once on a fresh worker while no other
 * file runs (a crowd photo next to another big one may only have run out of memory together);
 * a second death is a WorkerCrashedError.
 */
export class WorkerPool {
  private readonly slots: Slot[] = [];
  private readonly waiting: Array<(slot: Slot) => void> = [];
  /** Retries waiting for the whole pool to be idle; new files wait behind them. */
  private readonly alone: Array<() => void> = [];
  private aloneRunning = false;
  private nextId = 0;
  private closed = false;

  constructor(
    readonly size: number,
    private readonly config: AnalysisConfig,
    private readonly log: (line: string) => void,
    private readonly options: WorkerPoolOptions = {},
  ) {
    for (let i = 0; i < size; i++) this.slots.push(this.spawn());
  }

  /** Resolves once every worker has loaded its models; returns what they resolved to. */
  async ready(): Promise<{ detector: string; silhouette: string }> {
    const all = await Promise.all(this.slots.map((s) => s.ready));
    return all[0];
  }

  private spawn(): Slot {
    const root = workspaceRoot();
    const bootstrap = `require(${JSON.stringify(require.resolve('tsx/cjs/api'))}).register({ tsconfig: ${JSON.stringify(join(root, 'tsconfig.base.json'))} });
require(${JSON.stringify(join(__dirname, 'worker.ts'))});`;
    const worker = new Worker(bootstrap, {
      eval: true,
      stderr: false,
      resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
    });
    const slot: Slot = {
      worker,
      ready: Promise.resolve({ detector: '', silhouette: '' }),
      busy: null,
      idle: false,
    };
    slot.ready = new Promise((resolve, reject) => {
      worker.on('message', (reply: WorkerReply) => {
        if (reply.type === 'ready') {
          resolve(reply.backends);
          this.release(slot);
        } else if (reply.type === 'init_error')
          reject(new Error(`worker could not load its models: ${reply.message}`));
        else if (reply.type === 'log') this.log(reply.line);
        else if (slot.busy && reply.id === slot.busy.id) {
          const busy = slot.busy;
          slot.busy = null;
          if (reply.type === 'result') busy.resolve(reply.analysis);
          else busy.reject(new Error(reply.message));
          this.release(slot);
        }
      });
      worker.on('error', (err) => {
        reject(err);
        this.replace(slot, err);
      });
      worker.on('exit', (code) => {
        if (!this.closed) this.replace(slot, new Error(`worker exited with code ${code}`));
      });
    });
    slot.ready.catch(() => undefined);
    worker.postMessage({ type: 'init', config: this.config } satisfies WorkerRequest);
    return slot;
  }

  private replace(slot: Slot, err: Error): void {
    const index = this.slots.indexOf(slot);
    if (index < 0 || this.closed) return;
    if (slot.busy) slot.busy.reject(new WorkerDied(err.message));
    slot.busy = null;
    void slot.worker.terminate();
    this.log(`worker crashed (${err.message}); starting a new one`);
    this.slots[index] = this.spawn();
  }

  private release(slot: Slot): void {
    slot.idle = true;
    this.dispatch();
  }

  /** Hands idle workers out: a pending retry first, once every worker is idle; else queued files. */
  private dispatch(): void {
    if (this.aloneRunning) return;
    if (this.alone.length) {
      if (this.slots.every((s) => s.idle)) {
        this.aloneRunning = true;
        this.alone.shift()?.();
      }
      return;
    }
    for (
      let idle = this.slots.find((s) => s.idle);
      idle && this.waiting.length;
      idle = this.slots.find((s) => s.idle)
    ) {
      idle.idle = false;
      this.waiting.shift()?.(idle);
    }
  }

  private acquire(): Promise<Slot> {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.dispatch();
    });
  }

  private send(slot: Slot, job: AnalysisJob, attempt: number): Promise<Analysis> {
    const id = this.nextId++;
    return new Promise<Analysis>((resolve, reject) => {
      slot.busy = { id, resolve, reject };
      const crash = this.options.crashOn?.(job, attempt) ?? false;
      // Copied, not transferred: a retry after a crash needs the bytes again.
      slot.worker.postMessage({ type: 'job', id, job, crash } satisfies WorkerRequest);
    });
  }

  private async runAlone(job: AnalysisJob): Promise<Analysis> {
    await new Promise<void>((resolve) => {
      this.alone.push(resolve);
      this.dispatch();
    });
    try {
      const slot = this.slots.find((s) => s.idle);
      if (!slot) throw new Error('no idle worker for the retry (pool bookkeeping bug)');
      slot.idle = false;
      return await this.send(slot, job, 2);
    } finally {
      this.aloneRunning = false;
      this.dispatch();
    }
  }

  /** Analyses one file on the next free worker; if that worker dies, once more alone. */
  async run(job: AnalysisJob): Promise<Analysis> {
    try {
      return await this.send(await this.acquire(), job, 1);
    } catch (err) {
      if (!(err instanceof WorkerDied)) throw err;
      this.log(`${job.path}: its worker died (${err.message}); retrying it alone on a fresh worker`);
    }
    try {
      return await this.runAlone(job);
    } catch (err) {
      if (err instanceof WorkerDied) throw new WorkerCrashedError(job.path, err.message);
      throw err;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
