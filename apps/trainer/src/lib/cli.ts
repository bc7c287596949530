import { Command, InvalidArgumentError, Option } from 'commander';
import { BACKEND_PREFERENCE, isBackendChoice, type BackendChoice } from '@portrait-forge/tf-runtime';

/** Where `train` creates run dirs and where `generate --network latest` looks for them. */
export const RUNS_DIR = 'data/training-runs';

/** Notes and progress go to stderr: stdout carries only a command's result. */
export function stderrLog(line: string): void {
  process.stderr.write(line + '\n');
}

/** Runs the command on process.argv when `mod` is the entry point; an error prints `<label>: <message>`, exit 1. */
export function runIfMain(mod: NodeModule, command: () => Command, label: string): void {
  if (require.main !== mod) return;
  command()
    .parseAsync(process.argv)
    .catch((err: unknown) => {
      process.stderr.write(`${label}: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    });
}

export function backendOption(): Option {
  return new Option(
    '--backend <name>',
    `tfjs backend: auto or ${BACKEND_PREFERENCE.join(', ')} (auto picks the first installed)`,
  ).default('auto');
}

/** The --backend value as initTf takes it; an unknown name is an error listing the valid ones. */
export function backendChoice(value: string): BackendChoice | 'auto' {
  if (value === 'auto' || isBackendChoice(value)) return value;
  throw new Error(`--backend ${value} is unknown; use auto or one of ${BACKEND_PREFERENCE.join(', ')}.`);
}

/** Option parser for counts; with `flag`, the message names the flag and the value. */
export function positiveInt(flag?: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (Number.isInteger(n) && n >= 1) return n;
    throw new InvalidArgumentError(
      flag ? `${flag} must be a positive integer, got "${value}".` : 'expected a positive integer',
    );
  };
}
