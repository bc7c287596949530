import {
  defaultThresholds,
  defaultWorkers,
  formatSummary,
  formatTable,
  photoBrisqueProblem,
  parseShard,
  RateMeter,
  runFilter,
  SHARD_INDEX_VARIABLES,
  type Shard,
  type Thresholds,
} from '@portrait-forge/curation';
import { commandAction, oneOf, positiveInt, UsageError, withDefault } from '@portrait-forge/cli';
import { DEFAULT_DETECTOR, DETECTOR_KINDS, type DetectorKind } from '@portrait-forge/face';
import { SILHOUETTE_CHOICES, type SilhouetteChoice } from '@portrait-forge/symmetry';
import { Presets, SingleBar } from 'cli-progress';
import { Command, InvalidArgumentError, Option } from 'commander';
import { existsSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { alignedSize, DEFAULT_INPUT, DEFAULT_OUT, DEFAULT_SIZE, fail, outDir } from '../options';
import {
  addThresholdOptions,
  isThresholdAttribute,
  thresholdsFrom,
  thresholdValue,
  type ThresholdFlags,
} from '../thresholds';

interface FilterFlags extends ThresholdFlags {
  input: string;
  out: string;
  size: number;
  workers?: number;
  resume?: boolean;
  shard?: Shard;
  prune?: boolean;
  detector: DetectorKind;
  silhouette: SilhouetteChoice;
  u2netModel?: string;
  progress: boolean;
  batchSize: number;
  photoBrisque: boolean;
}

/** What filter runs with: the flags, the worker count and the thresholds resolved. */
export interface FilterSettings extends Omit<FilterFlags, keyof ThresholdFlags | 'workers'> {
  workers: number;
  thresholdsFile?: string;
  thresholds: Thresholds;
}

export function filterSettings(flags: FilterFlags): FilterSettings {
  return {
    input: flags.input,
    out: flags.out,
    size: flags.size,
    workers: flags.workers ?? defaultWorkers(),
    resume: flags.resume,
    shard: flags.shard,
    prune: flags.prune,
    detector: flags.detector,
    silhouette: flags.silhouette,
    u2netModel: flags.u2netModel,
    progress: flags.progress,
    batchSize: flags.batchSize,
    photoBrisque: flags.photoBrisque ?? false,
    thresholdsFile: flags.thresholds,
    thresholds: thresholdsFrom(flags, defaultThresholds(flags.size, flags.detector)),
  };
}

function shardArg(value: string): Shard {
  try {
    return parseShard(value);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
}

export function filterCommand(): Command {
  const cmd = new Command('filter')
    .description(
      'analyse every photo under --input and decide keep/reject (manifest.sqlite, decisions.csv, aligned crops)',
    )
    .option('-i, --input <dir>', 'folder of photos, walked recursively', DEFAULT_INPUT)
    .option(
      '-o, --out <dir>',
      'output folder (manifest.sqlite, decisions.csv, aligned/, thumbs/)',
      DEFAULT_OUT,
    )
    .option('--size <px>', 'aligned crop side: 256, 512 or 1024', alignedSize, DEFAULT_SIZE)
    .option('-w, --workers <n>', withDefault('worker threads, one per core', defaultWorkers()), positiveInt)
    .option('--resume', 'skip files already in the manifest with the same content hash')
    .option(
      '--shard <K/N>',
      `only shard K of N (0-based; a hash of each path, so any machine agrees) into <out>/shards/K-of-N/ with a done.json marker; a finished shard is skipped, a killed one resumes; auto/N reads K from ${SHARD_INDEX_VARIABLES.join(' or ')}; then \`curate merge\``,
      shardArg,
    )
    .option('--prune', 'remove rows of files that are no longer under --input (kept otherwise)')
    .option(
      '--detector <kind>',
      'face detector: blazeface (fast, default), ssd (SSD MobileNet v1) or tiny; sets the default face score cuts',
      oneOf(DETECTOR_KINDS),
      DEFAULT_DETECTOR,
    )
    .option(
      '--silhouette <backend>',
      `symmetry backend: ${SILHOUETTE_CHOICES.join(' | ')}`,
      oneOf(SILHOUETTE_CHOICES),
      'auto',
    )
    .option('--u2net-model <file>', 'local U-2-Net .onnx (no download)')
    .option(
      '--photo-brisque',
      'also store BRISQUE of the whole photo (OpenCV-equal; needed by --brisque). Off by default: blur is decided on the face, and at 12 MP the whole-photo score costs more than all other stages together',
      false,
    )
    .option('--no-progress', 'no progress bar')
    .addOption(
      new Option('--batch-size <n>', 'files per manifest transaction')
        .argParser(positiveInt)
        .default(32)
        .hideHelp(),
    );
  addThresholdOptions(cmd, defaultThresholds(DEFAULT_SIZE, DEFAULT_DETECTOR));
  const settings = {
    resolve: filterSettings,
    valueAt: (s: FilterSettings, attribute: string) =>
      attribute === 'thresholds'
        ? s.thresholdsFile
        : isThresholdAttribute(attribute)
          ? thresholdValue(s.thresholds, attribute)
          : s[attribute as keyof FilterSettings],
  };
  return commandAction(cmd, settings, async (flags) => {
    try {
      const input = resolve(flags.input);
      if (!existsSync(input)) throw new UsageError(`input folder ${input} does not exist; pass --input DIR`);
      const { thresholds } = flags;
      const unscored = photoBrisqueProblem(thresholds, flags.photoBrisque);
      if (unscored) throw new UsageError(unscored);
      const bar = flags.progress
        ? new SingleBar(
            {
              format: 'filter {bar} {percentage}% | {value}/{total} | {rate} img/s | ETA {left} | {file}',
              noTTYOutput: true,
              notTTYSchedule: 5000,
              hideCursor: true,
            },
            Presets.shades_classic,
          )
        : null;
      const meter = new RateMeter();
      let started = false;
      const stop = new AbortController();
      const onSignal = (signal: NodeJS.Signals) => {
        if (stop.signal.aborted) process.exit(130);
        process.stderr.write(
          `\n${signal}: starting no new file; the files in flight finish and every analysed row is committed (${signal} again to quit at once; --resume goes on)\n`,
        );
        stop.abort();
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      const result = await runFilter({
        input,
        out: outDir(flags.out),
        size: flags.size,
        workers: flags.workers,
        resume: flags.resume,
        shard: flags.shard,
        prune: flags.prune,
        detector: flags.detector,
        silhouette: flags.silhouette,
        u2netModel: flags.u2netModel,
        thresholds,
        photoBrisque: flags.photoBrisque,
        batchSize: flags.batchSize,
        onProgress: (done, total, file) => {
          if (!bar) return;
          if (!started) {
            bar.start(total, 0, { rate: '0.0', left: '…', file: '' });
            started = true;
          }
          meter.tick();
          const eta = meter.etaSeconds(total - done);
          bar.update(done, {
            rate: meter.rate().toFixed(1),
            left: eta === null ? '…' : `${Math.round(eta)}s`,
            file: file.length > 40 ? `…${file.slice(-39)}` : file,
          });
        },
        log: (line) => process.stderr.write(`${bar && started ? '\n' : ''}${line}\n`),
        signal: stop.signal,
      }).finally(() => {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      });
      bar?.stop();
      const cwd = process.cwd();
      if (result.alreadyDone) {
        process.stdout.write(
          `shard already finished; nothing to do\nmanifest  ${relative(cwd, result.manifestPath)}\n`,
        );
        return;
      }
      process.stdout.write(
        `\n${formatTable([
          ['image files', result.seen],
          ['analysed now', result.analysed],
          ['unchanged (resume)', result.skipped],
          ['ignored (not images)', result.ignored],
          [result.pruned ? 'pruned (gone from input)' : 'kept rows (gone from input)', result.missing],
          ['seconds', (result.elapsedMs / 1000).toFixed(1)],
        ])}\n\nby outcome:\n${formatSummary(result.summary)}\n\nmanifest  ${relative(cwd, result.manifestPath)}\ndecisions ${relative(cwd, result.decisionsPath)}\n`,
      );
      if (result.interrupted) {
        process.stdout.write('interrupted: run again with --resume to analyse the rest\n');
        process.exitCode = 130;
      }
    } catch (err) {
      fail(err);
    }
  });
}
