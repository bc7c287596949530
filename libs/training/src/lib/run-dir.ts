import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { UsageError } from '@portrait-forge/cli';
import { writeFileAtomic } from '@portrait-forge/files';
import {
  METRIC_FILE_RE,
  RUN_DIR_RE,
  STAT,
  STATS_FILE,
  TRAINING_OPTIONS_FILE,
  runDirName,
} from '@portrait-forge/run-format';
import { StyleGAN2ConfigSchema } from '@portrait-forge/stylegan2';
import { listCheckpoints } from './checkpoint';
import { describeIssues, TrainOptionsSchema } from './options';

/** Creates `<outdir>/<id:05d>-<desc>` with the next free id, as SG2-ADA's train.py. */
export function createRunDir(outdir: string, desc: string): string {
  mkdirSync(outdir, { recursive: true });
  const ids = readdirSync(outdir)
    .map((d) => RUN_DIR_RE.exec(d))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]));
  const id = ids.length ? Math.max(...ids) + 1 : 0;
  const dir = join(outdir, runDirName(id, desc));
  mkdirSync(dir);
  return dir;
}

/**
 * `--resume latest` → the newest checkpoint in the newest run dir under outdir that has one;
 * `--resume DIR` → that run dir's newest checkpoint; `--resume FILE` → that file. `flag` names the
 * option in the messages (`--network` for generate, project and convert).
 */
export function resolveResume(resume: string, outdir: string, flag = '--resume'): string {
  if (resume === 'latest') {
    const runs = existsSync(outdir)
      ? readdirSync(outdir)
          .filter((d) => RUN_DIR_RE.test(d))
          .sort()
          .reverse()
      : [];
    for (const run of runs) {
      const ckpts = listCheckpoints(join(outdir, run));
      if (ckpts.length) return ckpts[0];
    }
    throw new UsageError(
      `${flag} latest: no network-snapshot-*.ckpt under ${outdir}; ${flag === '--resume' ? 'start without --resume or ' : ''}pass a checkpoint path.`,
    );
  }
  if (!existsSync(resume)) throw new UsageError(`${flag} ${resume}: no such checkpoint or run dir.`);
  if (statSync(resume).isDirectory()) {
    const ckpts = listCheckpoints(resume);
    if (!ckpts.length)
      throw new UsageError(`${flag} ${resume}: that run dir has no network-snapshot-*.ckpt yet.`);
    return ckpts[0];
  }
  return resume;
}

/** training_options.json: the resolved options plus what the run found (NVlabs writes the same file once). */
export const TrainingOptionsFileSchema = TrainOptionsSchema.extend({
  config: StyleGAN2ConfigSchema,
  dataset: z.string(),
  num_images: z.number(),
  /** The tfjs backend that ran (`--backend auto` resolves to one). */
  backend_name: z.string(),
});
export type TrainingOptionsFile = z.infer<typeof TrainingOptionsFileSchema>;

export function writeTrainingOptions(runDir: string, file: TrainingOptionsFile): void {
  writeFileAtomic(join(runDir, TRAINING_OPTIONS_FILE), JSON.stringify(file, null, 2));
}

/** The run's training_options.json; undefined when the run dir has none (e.g. another trainer's run). */
export function readTrainingOptions(runDir: string): TrainingOptionsFile | undefined {
  const path = join(runDir, TRAINING_OPTIONS_FILE);
  if (!existsSync(path)) return undefined;
  const json: unknown = JSON.parse(readFileSync(path, 'utf8'));
  const parsed = TrainingOptionsFileSchema.safeParse(json);
  if (!parsed.success) throw new UsageError(describeIssues(parsed.error, json, path));
  return parsed.data;
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

export function appendJsonl(file: string, record: object): void {
  appendFileSync(file, JSON.stringify(record) + '\n');
}

/** Where a resumed run's records past its checkpoint go: beside the file, not matching its name pattern. */
export const ABANDONED_SUFFIX = '.abandoned';

/** The kimg a stats.jsonl or metric-*.jsonl line was written at (stats: Progress/kimg; metrics: kimg). */
function recordKimg(line: string): number | undefined {
  const record = JSON.parse(line) as Record<string, unknown>;
  const progress = record[STAT.kimg] as { mean?: unknown } | undefined;
  const kimg = progress?.mean ?? record['kimg'];
  return typeof kimg === 'number' ? kimg : undefined;
}

/**
 * A run that died past its last checkpoint (SIGKILL, a lost machine) has stats and metric lines for
 * ticks its weights never reached; resuming in place would log those ticks twice. Before a resume,
 * the lines after `kimg` move to `<file>.abandoned` (appended, so nothing recorded is lost) and each
 * file keeps exactly what the checkpoint saw. Returns the number of lines moved per file.
 */
export function setAsideRecordsAfter(runDir: string, kimg: number): Record<string, number> {
  const moved: Record<string, number> = {};
  const files = readdirSync(runDir).filter((name) => name === STATS_FILE || METRIC_FILE_RE.test(name));
  for (const name of files) {
    const path = join(runDir, name);
    const lines = readFileSync(path, 'utf8')
      .split('\n')
      .filter((line) => line.trim());
    const after = (line: string) => (recordKimg(line) ?? -Infinity) > kimg + 1e-9;
    const late = lines.filter(after);
    if (!late.length) continue;
    appendFileSync(path + ABANDONED_SUFFIX, late.join('\n') + '\n');
    writeFileAtomic(
      path,
      lines
        .filter((line) => !after(line))
        .map((line) => line + '\n')
        .join(''),
    );
    moved[name] = late.length;
  }
  return moved;
}
