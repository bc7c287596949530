import { decisionsCsv } from '@portrait-forge/curation';
import type { Manifest } from '@portrait-forge/manifest';
import { rename, writeFile } from 'node:fs/promises';

/**
 * Keeps decisions.csv in step with the manifest after every review change: writes are coalesced
 * (a burst of keystrokes costs one rewrite, `delayMs` after the first) and atomic (temp + rename),
 * so a reader never sees half a file. flush() waits until the file matches the manifest.
 */
export class DecisionsCsvSync {
  private dirty = false;
  private timer: NodeJS.Timeout | null = null;
  private chain: Promise<void> = Promise.resolve();
  lastError: string | null = null;

  constructor(
    private readonly manifest: Manifest,
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

  private async write(): Promise<void> {
    this.dirty = false;
    try {
      const text = decisionsCsv(this.manifest.files({ faces: false }));
      const tmp = `${this.file}.${process.pid}.tmp`;
      await writeFile(tmp, text);
      await rename(tmp, this.file);
      this.lastError = null;
    } catch (err) {
      this.dirty = true;
      this.lastError = `cannot write ${this.file}: ${err instanceof Error ? err.message : err}`;
      this.log(this.lastError);
    }
  }
}
