import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { TSX_EXEC_ARGV, tsxEnv } from './tsx-child';

const WRITER = join(__dirname, 'write-csv.ts');

/**
 * Keeps decisions.csv in step with the manifest after every review change: rewrites are coalesced
 * (a burst of keystrokes costs one, `delayMs` after the first) and run in a child process
 * (write-csv.ts: the curation lib's writer, temp + rename), so the server stays responsive and small.
 * flush() resolves once the file matches the manifest as of the call.
 */
export class DecisionsCsvSync {
  private dirty = false;
  private timer: NodeJS.Timeout | null = null;
  private chain: Promise<void> = Promise.resolve();
  lastError: string | null = null;

  constructor(
    private readonly manifestFile: string,
    private readonly file: string,
    private readonly delayMs: number,
    private readonly log: (line: string) => void,
  ) {}

  get pending(): boolean {
    return this.dirty;
  }

  schedule(): void {
    this.dirty = true;
    if (!this.timer) this.timer = setTimeout(() => void this.flush(), this.delayMs).unref();
  }

  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.chain = this.chain.then(() => (this.dirty ? this.write() : undefined));
    return this.chain;
  }

  private write(): Promise<void> {
    this.dirty = false;
    return new Promise((done) => {
      execFile(
        process.execPath,
        [...TSX_EXEC_ARGV, WRITER, this.manifestFile],
        { env: tsxEnv(), maxBuffer: 1 << 20 },
        (err, _stdout, stderr) => {
          if (err) {
            this.dirty = true;
            this.lastError = `cannot write ${this.file}: ${stderr.trim() || err.message}`;
            this.log(this.lastError);
          } else this.lastError = null;
          done();
        },
      );
    });
  }
}
