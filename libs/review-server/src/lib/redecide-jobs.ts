import type { DecisionOutcome, Thresholds } from '@portrait-forge/curation/decide';
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { TSX_EXEC_ARGV, tsxEnv } from './tsx-child';

const CHILD = join(__dirname, 'redecide-child.ts');

export type RedecideMode = 'preview' | 'apply';

export interface RedecideDone {
  kind: 'done';
  files: number;
  /** Files whose decision or reasons change. */
  changed: number;
  /** The `decide` run an apply recorded; null for a preview. */
  runId: number | null;
  /** Files whose decision flips, with their new outcome. */
  flips: Array<DecisionOutcome & { id: number }>;
}
export type RedecideMessage = { kind: 'progress'; done: number; total: number } | RedecideDone;

export interface RedecideProgress {
  mode: RedecideMode;
  done: number;
  total: number | null;
}

/** A job ended before its result: replaced by a newer preview, or the server closed. */
export class RedecideCancelled extends Error {}

/**
 * Runs threshold previews and applies in a child process (redecide-child.ts), one at a time: the
 * server keeps answering while 200 k files are re-decided. A new preview or an apply cancels a
 * running preview; nothing cancels an apply (it writes).
 */
export class RedecideJobs {
  private running: { mode: RedecideMode; child: ChildProcess } | null = null;
  progress: RedecideProgress | null = null;

  constructor(private readonly manifestFile: string) {}

  /** `onlyWhere` (previews): SQL selecting the only files the change can flip (thresholds.ts). */
  run(mode: RedecideMode, thresholds: Thresholds, onlyWhere: string | null = null): Promise<RedecideDone> {
    if (this.running?.mode === 'apply') {
      return Promise.reject(new Error('thresholds are being applied; wait for it to finish'));
    }
    this.cancel();
    const args = [this.manifestFile, mode, JSON.stringify(thresholds), ...(onlyWhere ? [onlyWhere] : [])];
    const child = fork(CHILD, args, {
      execArgv: TSX_EXEC_ARGV,
      env: tsxEnv(),
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    const job = { mode, child };
    this.running = job;
    this.progress = { mode, done: 0, total: null };
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    return new Promise((resolve, reject) => {
      let result: RedecideDone | null = null;
      child.on('message', (message: RedecideMessage) => {
        if (message.kind === 'done') result = message;
        else if (this.running === job) this.progress = { mode, ...message };
      });
      child.on('exit', (code, signal) => {
        if (this.running === job) {
          this.running = null;
          this.progress = null;
        }
        if (result) resolve(result);
        else if (signal === 'SIGTERM') reject(new RedecideCancelled(`${mode} cancelled`));
        else reject(new Error(`re-deciding (${mode}) failed (exit ${code ?? signal}): ${stderr.trim()}`));
      });
    });
  }

  /** Stops a running preview (an apply is left to finish). */
  cancel(): void {
    if (this.running?.mode === 'preview') this.running.child.kill('SIGTERM');
  }

  /** Resolves once no job runs (an apply finishes; a preview is cancelled). */
  async idle(): Promise<void> {
    this.cancel();
    const job = this.running;
    if (job) await new Promise((done) => job.child.once('exit', done));
  }
}
