import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { Command, Option } from 'commander';
import { commandAction, formatDefault, UsageError, withDefault } from '@portrait-forge/cli';
import {
  TRAIN_OPTIONS,
  TrainOptionsSchema,
  parseTrainConfig,
  resolveTrainOptions,
  train,
  type OptionFlag,
  type TrainOptionName,
  type TrainOptions,
  type TrainOptionsInput,
} from '@portrait-forge/training';
import { resolveInceptionOnnx } from '@portrait-forge/metrics';
import { snapshotMetricsHook } from '../lib/fid-hook';
import { DEFAULT_NVLABS_DIR, DEFAULT_PYTHON, pickleToCheckpoint } from '../lib/nvlabs';

/** What `train` runs with: the options a person gave (preset ← flags) and, for a new run, all of them resolved. */
export interface TrainRequest {
  given: TrainOptionsInput;
  options: TrainOptions;
}

const DEFAULTS = TrainOptionsSchema.parse({});

const FLAGGED = (Object.keys(TRAIN_OPTIONS) as TrainOptionName[]).flatMap((name) => {
  const flag: OptionFlag | undefined = TRAIN_OPTIONS[name].flag;
  return flag ? [{ name, flag, attribute: new Option(flag.flags).attributeName() }] : [];
});

function helpText(name: TrainOptionName, flag: OptionFlag): string {
  const value = DEFAULTS[name];
  if (value === undefined) return flag.help;
  const shown = flag.toFlag ? flag.toFlag(value as never) : value;
  return withDefault(
    flag.help,
    flag.formatDefault ? flag.formatDefault(value as never) : formatDefault(shown),
  );
}

/** One commander option per flagged training option; none has a commander default, so absent = not given. */
function trainOptions(): Option[] {
  return FLAGGED.map(({ name, flag }) => {
    const option = new Option(flag.flags, helpText(name, flag));
    return flag.parse ? option.argParser(flag.parse) : option;
  });
}

function readConfigFile(file: string): TrainOptionsInput {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UsageError(
      `--config ${file}: not a readable JSON file (${(err as Error).message}); see apps/trainer/configs/*.json`,
    );
  }
  return parseTrainConfig(json, `--config ${file}`);
}

/** --config preset ← explicit flags, as option names. */
export function trainRequest(flags: Record<string, unknown>): TrainRequest {
  const given: Record<string, unknown> =
    typeof flags['config'] === 'string' ? { ...readConfigFile(flags['config']) } : {};
  for (const { name, flag, attribute } of FLAGGED) {
    const value = flags[attribute];
    if (value !== undefined) given[name] = flag.toOption ? flag.toOption(value as never) : value;
  }
  const parsed = parseTrainConfig(given, 'flags');
  return { given: parsed, options: resolveTrainOptions(parsed, 'flags') };
}

function optionValue(request: TrainRequest, attribute: string): unknown {
  if (attribute === 'config') return undefined;
  const entry = FLAGGED.find((f) => f.attribute === attribute);
  if (!entry) return undefined;
  const value = request.options[entry.name];
  return entry.flag.toFlag && value !== undefined ? entry.flag.toFlag(value as never) : value;
}

/** `--resume net.pkl`: NVlabs' pickle converted (their code, python3-torch) into a network checkpoint first. */
async function convertedResume(given: TrainOptionsInput): Promise<TrainOptionsInput> {
  if (!given.resume?.endsWith('.pkl')) return given;
  const ckpt = join(mkdtempSync(join(tmpdir(), 'pf-resume-')), `${basename(given.resume, '.pkl')}.ckpt`);
  pickleToCheckpoint({ nvlabs: DEFAULT_NVLABS_DIR, python: DEFAULT_PYTHON }, given.resume, ckpt);
  process.stdout.write(`converted ${given.resume} → ${ckpt}\n`);
  return { ...given, resume: ckpt };
}

export function trainCommand(): Command {
  const cmd = new Command('train')
    .description(
      'Train StyleGAN2 (SG2-ADA conventions) on the curated kept set or an image folder/zip. Writes <outdir>/<id>-<name>-<cfg>/ with ' +
        'training_options.json, log.txt, stats.jsonl, reals.png, fakes<kimg>.png and network-snapshot-<nimg>.ckpt. ' +
        'Ctrl-C finishes the current step, writes a checkpoint and exits; continue with --resume latest. ' +
        'Every tick the failure-mode monitor checks the run (Alerts/<rule> in stats.jsonl, the remedy in log.txt; see --on-alert). ' +
        "Mixed precision (SG2-ADA's num_fp16_res) is not available in TensorFlow.js: every layer trains in float32.",
    )
    .option(
      '--config <file.json>',
      'preset of training options (e.g. apps/trainer/configs/smoke-32-gray.json); flags given here win',
    );
  for (const option of trainOptions()) cmd.addOption(option);
  return commandAction(cmd, { resolve: trainRequest, valueAt: optionValue }, async ({ given }) => {
    let stopRequested = false;
    const onSigint = (): void => {
      if (stopRequested) process.exit(130);
      stopRequested = true;
      process.stderr.write(
        '\nSIGINT: finishing the current step, then checkpointing (Ctrl-C again to abort)\n',
      );
    };
    process.on('SIGINT', onSigint);
    process.on('SIGTERM', onSigint);
    try {
      const metrics = given.metrics ?? 'none';
      if (metrics === 'fid50k_full' || metrics === 'kid50k_full') {
        try {
          resolveInceptionOnnx();
        } catch (err) {
          throw new UsageError(`--metrics ${metrics}: ${(err as Error).message}`);
        }
      }
      const onSnapshot = snapshotMetricsHook();
      const result = await train(await convertedResume(given), {
        shouldStop: () => stopRequested,
        onSnapshot,
      });
      process.stdout.write(`${JSON.stringify(result)}\n`);
    } finally {
      process.off('SIGINT', onSigint);
      process.off('SIGTERM', onSigint);
    }
  });
}
