import { InvalidArgumentError } from 'commander';

// Option-argument parsers for commander's `.argParser`. Commander prefixes their message with the
// option and the value ("option '--batch <n>' argument 'x' is invalid."), so they say what is expected.

export type ArgParser<T> = (value: string) => T;

function integer(value: string): number | undefined {
  const n = Number(value);
  return value.trim() !== '' && Number.isInteger(n) ? n : undefined;
}

/** 1, 2, 3, … */
export const positiveInt: ArgParser<number> = (value) => {
  const n = integer(value);
  if (n === undefined || n < 1) throw new InvalidArgumentError('Expected a positive integer (1, 2, …).');
  return n;
};

/** 0, 1, 2, … (e.g. `dedupe --distance 0` = exact duplicates only). */
export const nonNegativeInt: ArgParser<number> = (value) => {
  const n = integer(value);
  if (n === undefined || n < 0) throw new InvalidArgumentError('Expected an integer ≥ 0.');
  return n;
};

/** Any finite number. */
export const finiteNumber: ArgParser<number> = (value) => {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError('Expected a number.');
  return n;
};

/** A finite number ≥ 0 (lengths, rates, weights). */
export const nonNegativeNumber: ArgParser<number> = (value) => {
  const n = finiteNumber(value);
  if (n < 0) throw new InvalidArgumentError('Expected a number ≥ 0.');
  return n;
};

/** A number in [min, max] (`exclusiveMin`: in (min, max]). */
export function numberIn(min: number, max: number, opts: { exclusiveMin?: boolean } = {}): ArgParser<number> {
  const range = `${opts.exclusiveMin ? '(' : '['}${min}, ${max}]`;
  return (value) => {
    const n = finiteNumber(value);
    if (n > max || (opts.exclusiveMin ? n <= min : n < min))
      throw new InvalidArgumentError(`Expected a number in ${range}.`);
    return n;
  };
}

/** A power of two in [min, max] (resolutions). */
export function powerOfTwo(min: number, max: number): ArgParser<number> {
  return (value) => {
    const n = integer(value);
    if (n === undefined || n < min || n > max || (n & (n - 1)) !== 0)
      throw new InvalidArgumentError(`Expected a power of two in ${min}–${max} (e.g. 64, 128, 256).`);
    return n;
  };
}

/** `8x8` → [columns, rows]. */
export const grid: ArgParser<[number, number]> = (value) => {
  const m = /^(\d+)x(\d+)$/.exec(value.trim());
  if (!m || Number(m[1]) < 1 || Number(m[2]) < 1)
    throw new InvalidArgumentError('Expected columns x rows, e.g. 8x8.');
  return [Number(m[1]), Number(m[2])];
};

/** The inverse of `grid`, for help texts. */
export const formatGrid = ([cols, rows]: readonly [number, number]): string => `${cols}x${rows}`;

/** `0-7,12` → [0, 1, …, 7, 12] (NVlabs' num_range). */
export const seedRanges: ArgParser<number[]> = (value) => {
  const out: number[] = [];
  for (const part of value.split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m || (m[2] !== undefined && Number(m[2]) < Number(m[1])))
      throw new InvalidArgumentError('Expected a list of integers and ranges like 0-7,12.');
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    for (let i = a; i <= b; i++) out.push(i);
  }
  return out;
};

/** One of `choices` (for options whose values are typed unions). */
export function oneOf<const T extends string>(choices: readonly T[]): ArgParser<T> {
  return (value) => {
    const hit = choices.find((c) => c === value);
    if (hit === undefined) throw new InvalidArgumentError(`Expected one of ${choices.join(', ')}.`);
    return hit;
  };
}
