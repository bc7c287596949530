import {
  defaultThresholds,
  defaultWorkers,
  formatSummary,
  formatTable,
  RateMeter,
  runFilter,
} from '@portrait-forge/curation';
import { DEFAULT_DETECTOR, DETECTOR_KINDS, type DetectorKind } from '@portrait-forge/face';
import { isSilhouetteChoice, SILHOUETTE_CHOICES, type SilhouetteChoice } from '@portrait-forge/symmetry';
import { Presets, SingleBar } from 'cli-progress';
import { Command, InvalidArgumentError, Option } from 'commander';
import { existsSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { alignedSize, DEFAULT_INPUT, fail, outDir, positiveInt } from '../options';
import { addThresholdOptions, thresholdsFrom, type ThresholdFlags } from '../thresholds';

interface FilterFlags extends ThresholdFlags {
  input: string;
  out?: string;
  size: number;
  workers?: number;
  resume?: boolean;
  detector: DetectorKind;
  silhouette: SilhouetteChoice;
  u2netModel?: string;
  progress: boolean;
  batchSize: number;
}

function detectorKind(value: string): DetectorKind {
  const kind = DETECTOR_KINDS.find((k) => k === value);
  if (!kind) throw new InvalidArgumentError(`expected one of ${DETECTOR_KINDS.join(', ')}`);
  return kind;
}

function silhouetteChoice(value: string): SilhouetteChoice {
  if (!isSilhouetteChoice(value))
    throw new InvalidArgumentError(`expected one of ${SILHOUETTE_CHOICES.join(', ')}`);
  return value;
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
      'data/curate',
    )
    .option('--size <px>', 'aligned crop side: 256, 512 or 1024', alignedSize, 256)
    .option('-w, --workers <n>', `worker threads (default: one per core = ${defaultWorkers()})`, positiveInt)
    .option('--resume', 'skip files already in the manifest with the same content hash')
    .option(
      '--detector <kind>',
      'face detector: blazeface (fast, default), ssd (SSD MobileNet v1) or tiny; sets the default face score cuts',
      detectorKind,
      DEFAULT_DETECTOR,
    )
    .option(
      '--silhouette <backend>',
      `symmetry backend: ${SILHOUETTE_CHOICES.join(' | ')}`,
      silhouetteChoice,
      'auto',
    )
    .option('--u2net-model <file>', 'local U-2-Net .onnx (no download)')
    .option('--no-progress', 'no progress bar')
    .addOption(
      new Option('--batch-size <n>', 'files per manifest transaction')
        .argParser(positiveInt)
        .default(32)
        .hideHelp(),
    );
  addThresholdOptions(cmd);
  return cmd.action(async (flags: FilterFlags) => {
    try {
      const input = resolve(flags.input);
      if (!existsSync(input)) throw new Error(`input folder ${input} does not exist; pass --input DIR`);
      const thresholds = thresholdsFrom(flags, defaultThresholds(flags.size, flags.detector));
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
      const result = await runFilter({
        input,
        out: outDir(flags.out),
        size: flags.size,
        workers: flags.workers,
        resume: flags.resume,
        detector: flags.detector,
        silhouette: flags.silhouette,
        u2netModel: flags.u2netModel,
        thresholds,
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
      });
      bar?.stop();
      const cwd = process.cwd();
      process.stdout.write(
        `\n${formatTable([
          ['image files', result.seen],
          ['analysed now', result.analysed],
          ['unchanged (resume)', result.skipped],
          ['ignored (not images)', result.ignored],
          ['seconds', (result.elapsedMs / 1000).toFixed(1)],
        ])}\n\nby outcome:\n${formatSummary(result.summary)}\n\nmanifest  ${relative(cwd, result.manifestPath)}\ndecisions ${relative(cwd, result.decisionsPath)}\n`,
      );
    } catch (err) {
      fail(err);
    }
  });
}
