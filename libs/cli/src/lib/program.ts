import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { oneOf } from './parsers';

/**
 * A mistake of the person running the command (bad flag, missing file, wrong kind of input): printed as
 * one line `prog: message` with the fix, no stack (NVlabs' UserError). Any other error is a bug and
 * prints its stack.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

type ErrorClass = abstract new (...args: never[]) => Error;

export interface RunProgramOptions {
  /** Errors of other libraries that are users' mistakes too (e.g. a missing model file): one line, no stack. */
  userErrors?: readonly ErrorClass[];
  argv?: readonly string[];
}

/** Notes and progress go to stderr: stdout carries only a command's result. */
export function stderrLog(line: string): void {
  process.stderr.write(line + '\n');
}

export function isUsageError(err: unknown, userErrors: readonly ErrorClass[] = []): err is Error {
  return (
    err instanceof UsageError ||
    err instanceof InvalidArgumentError ||
    userErrors.some((cls) => err instanceof cls)
  );
}

/** What `runProgram` prints for an error: one line for users' mistakes, the stack for bugs. */
export function formatFailure(prog: string, err: unknown, userErrors: readonly ErrorClass[] = []): string {
  if (isUsageError(err, userErrors)) return `${prog}: ${err.message}\n`;
  if (err instanceof Error) return `${prog}: ${err.message}\n${err.stack ?? ''}\n`;
  return `${prog}: ${String(err)}\n`;
}

/** Parses process.argv with `program` and runs the chosen command; failures exit 1 (see formatFailure). */
export async function runProgram(program: Command, opts: RunProgramOptions = {}): Promise<void> {
  try {
    await program.parseAsync(opts.argv ?? process.argv);
  } catch (err) {
    // Commander has already printed its own parse errors (unknown option, missing argument).
    if (err instanceof CommanderError && !(err instanceof InvalidArgumentError)) process.exit(err.exitCode);
    process.stderr.write(formatFailure(program.name(), err, opts.userErrors));
    process.exit(1);
  }
}

/** `--backend <name>`: auto or one of `preference` (tf-runtime's BACKEND_PREFERENCE), default auto. */
export function backendOption<const T extends string>(preference: readonly T[]): Option {
  return new Option(
    '--backend <name>',
    `tfjs backend: auto or ${preference.join(', ')} (auto picks the first installed)`,
  )
    .argParser(oneOf(['auto', ...preference]))
    .default('auto');
}
