import { appendFileSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { listCheckpoints } from './checkpoint';

const RUN_RE = /^(\d{5})-/;

/** Creates `<outdir>/<id:05d>-<desc>` with the next free id, as SG2-ADA's train.py. */
export function createRunDir(outdir: string, desc: string): string {
  mkdirSync(outdir, { recursive: true });
  const ids = readdirSync(outdir)
    .map((d) => RUN_RE.exec(d))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]));
  const id = ids.length ? Math.max(...ids) + 1 : 0;
  const dir = join(outdir, `${String(id).padStart(5, '0')}-${desc.replace(/[^A-Za-z0-9._-]+/g, '_')}`);
  mkdirSync(dir);
  return dir;
}

/**
 * `--resume latest` → the newest checkpoint in the newest run dir under outdir that has one;
 * `--resume DIR` → that run dir's newest checkpoint; `--resume FILE` → that file.
 */
export function resolveResume(resume: string, outdir: string): string {
  if (resume === 'latest') {
    const runs = existsSync(outdir)
      ? readdirSync(outdir)
          .filter((d) => RUN_RE.test(d))
          .sort()
          .reverse()
      : [];
    for (const run of runs) {
      const ckpts = listCheckpoints(join(outdir, run));
      if (ckpts.length) return ckpts[0];
    }
    throw new Error(
      `--resume latest: no network-snapshot-*.ckpt under ${outdir}; start without --resume or pass a checkpoint path.`,
    );
  }
  if (!existsSync(resume)) throw new Error(`--resume ${resume}: no such checkpoint or run dir.`);
  if (statSync(resume).isDirectory()) {
    const ckpts = listCheckpoints(resume);
    if (!ckpts.length)
      throw new Error(`--resume ${resume}: that run dir has no network-snapshot-*.ckpt yet.`);
    return ckpts[0];
  }
  return resume;
}

/** Appends lines to log.txt and echoes them. */
export class RunLog {
  constructor(
    private readonly file: string,
    private readonly echo: (line: string) => void = (l) => process.stdout.write(l + '\n'),
  ) {}

  line(text: string): void {
    appendFileSync(this.file, text + '\n');
    this.echo(text);
  }
}

/** Running statistic in SG2-ADA's stats.jsonl form: {num, mean, std}. */
export class StatCollector {
  private readonly sums = new Map<string, { n: number; s: number; s2: number }>();

  report(name: string, value: number | undefined): void {
    if (value === undefined || !Number.isFinite(value)) return;
    const e = this.sums.get(name) ?? { n: 0, s: 0, s2: 0 };
    e.n += 1;
    e.s += value;
    e.s2 += value * value;
    this.sums.set(name, e);
  }

  mean(name: string): number | undefined {
    const e = this.sums.get(name);
    return e && e.n ? e.s / e.n : undefined;
  }

  /** Returns {name: {num, mean, std}} and resets. */
  flush(): Record<string, { num: number; mean: number; std: number }> {
    const out: Record<string, { num: number; mean: number; std: number }> = {};
    for (const [name, { n, s, s2 }] of [...this.sums].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const mean = s / n;
      out[name] = { num: n, mean, std: Math.sqrt(Math.max(s2 / n - mean * mean, 0)) };
    }
    this.sums.clear();
    return out;
  }
}

export function appendJsonl(file: string, record: object): void {
  appendFileSync(file, JSON.stringify(record) + '\n');
}
