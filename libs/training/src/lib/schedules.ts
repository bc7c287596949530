import { InvalidArgumentError } from 'commander';
import { z } from 'zod';
import type { ArgParser } from '@portrait-forge/cli';

/**
 * Step schedules of kimg (`--lr-steps`, `--gamma-steps`): `KIMG:VALUE,…`, each value in force from its
 * kimg on. Pure functions of the kimg reached, so a resumed run continues them exactly; the parsed steps
 * are options, stored in training_options.json and every checkpoint.
 */
export type Steps = readonly (readonly [kimg: number, value: number])[];

export const StepsSchema = z
  .array(z.tuple([z.number().nonnegative(), z.number().nonnegative()]))
  .refine(
    (steps) => steps.every(([kimg], i) => i === 0 || kimg > steps[i - 1][0]),
    'step kimgs must increase, e.g. 10000:0.1,20000:0.01',
  );

/** `10000:0.1,20000:0.01` → [[10000, 0.1], [20000, 0.01]]; `none` → []; the message shows the expected form. */
export const parseSteps: ArgParser<[number, number][]> = (text) => {
  if (text.trim() === 'none') return [];
  const steps = text
    .split(',')
    .filter((s) => s.trim() !== '')
    .map((part) => {
      const [kimg, value, extra] = part.split(':').map((s) => Number(s.trim()));
      if (extra !== undefined || !Number.isFinite(kimg) || !Number.isFinite(value) || kimg < 0 || value < 0)
        throw new InvalidArgumentError(
          `"${part}" is not KIMG:VALUE with numbers ≥ 0; expected e.g. 10000:0.1,20000:0.01.`,
        );
      return [kimg, value] as [number, number];
    });
  const checked = StepsSchema.safeParse(steps);
  if (!checked.success) throw new InvalidArgumentError(checked.error.issues[0].message);
  return steps;
};

export const formatSteps = (steps: Steps): string =>
  steps.length ? steps.map(([k, v]) => `${k}:${v}`).join(',') : 'none';

/** The value of the last step at or before `kimg`; `initial` before the first step. */
export function stepValue(steps: Steps, kimg: number, initial: number): number {
  let value = initial;
  for (const [at, v] of steps) if (kimg >= at) value = v;
  return value;
}

/** The recipe's base values (after --cfg and the option overrides) and its step schedules. */
export interface Recipe {
  gLr: number;
  dLr: number;
  r1Gamma: number;
  /** Factors of both base learning rates (the write-up: 1e-3 → 1e-4 after 10 000 kimg = 10000:0.1). */
  lrSteps: Steps;
  /** R1 γ values (the write-up: 10 → 5 after 20 000 kimg = 20000:5). */
  gammaSteps: Steps;
}

export interface ScheduledValues {
  gLr: number;
  dLr: number;
  r1Gamma: number;
}

/** The learning rates and γ in force at `kimg`. */
export function scheduleAt(recipe: Recipe, kimg: number): ScheduledValues {
  const factor = stepValue(recipe.lrSteps, kimg, 1);
  return {
    gLr: recipe.gLr * factor,
    dLr: recipe.dLr * factor,
    r1Gamma: stepValue(recipe.gammaSteps, kimg, recipe.r1Gamma),
  };
}
