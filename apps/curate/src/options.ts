import { InvalidArgumentError } from 'commander';
import { resolve } from 'node:path';

/** Repository root: nx runs commands from there, so defaults are relative to it. */
export const DEFAULT_INPUT = 'data/samples';
export const DEFAULT_OUT = 'data/curate';

export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new InvalidArgumentError(`expected a positive integer, got "${value}"`);
  return n;
}

export function finiteNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n)) throw new InvalidArgumentError(`expected a number, got "${value}"`);
  return n;
}

export function alignedSize(value: string): number {
  const n = Number(value);
  if (![256, 512, 1024].includes(n))
    throw new InvalidArgumentError(`--size must be 256, 512 or 1024, got "${value}"`);
  return n;
}

export const outDir = (out: string | undefined) => resolve(out ?? DEFAULT_OUT);

/** Prints an error for people and exits non-zero (no stack trace unless DEBUG is set). */
export function fail(err: unknown): never {
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`curate: ${message}\n`);
  if (process.env['DEBUG'] && err instanceof Error) process.stderr.write(`${err.stack}\n`);
  process.exit(1);
}
