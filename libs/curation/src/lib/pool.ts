import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Analysis, AnalysisConfig, AnalysisJob } from './analyse';

export type WorkerRequest =
  | { type: 'init'; config: AnalysisConfig }
  | { type: 'job'; id: number; job: AnalysisJob };
export type WorkerReply =
  | { type: 'ready'; backends: { detector: string; silhouette: string } }
  | { type: 'init_error'; message: string }
  | { type: 'log'; line: string }
  | { type: 'result'; id: number; analysis: Analysis }
  | { type: 'job_error'; id: number; message: string };

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

/**
 * N worker threads, each with its own models, one job at a time each. A worker that dies (native
 * crash, out of memory) fails only its current job and is replaced.
 */
export class WorkerPool {
  private readonly slots: Slot[] = [];
  private readonly waiting: Array<(slot: Slot) => void> = [];
  private nextId = 0;
  private closed = false;

  constructor(
    readonly size: number,
    private readonly config: AnalysisConfig,
    private readonly log: (line: string) => void,
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
    const worker = new Worker(bootstrap, { eval: true, stderr: false });
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
    if (slot.busy) slot.busy.reject(new Error(`worker crashed: ${err.message}`));
    slot.busy = null;
    void slot.worker.terminate();
    this.log(`worker crashed (${err.message}); starting a new one`);
    this.slots[index] = this.spawn();
  }

  private release(slot: Slot): void {
    const next = this.waiting.shift();
    if (next) next(slot);
    else slot.idle = true;
  }

  private acquire(): Promise<Slot> {
    const idle = this.slots.find((s) => s.idle);
    if (idle) {
      idle.idle = false;
      return Promise.resolve(idle);
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Analyses one file on the next free worker; its buffer is transferred, not copied. */
  async run(job: AnalysisJob): Promise<Analysis> {
    const slot = await this.acquire();
    const id = this.nextId++;
    return new Promise<Analysis>((resolve, reject) => {
      slot.busy = { id, resolve, reject };
      const transfer =
        job.buffer.byteOffset === 0 && job.buffer.byteLength === job.buffer.buffer.byteLength
          ? [job.buffer.buffer as ArrayBuffer]
          : [];
      slot.worker.postMessage({ type: 'job', id, job } satisfies WorkerRequest, transfer);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
