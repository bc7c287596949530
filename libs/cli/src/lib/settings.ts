import type { Command } from 'commander';

/**
 * A command's flags → the settings it runs with, as a pure step (no I/O), registered so tests can ask
 * what a command uses when a flag is absent (`settingsOf`) and compare it with what `--help` claims.
 */
export interface CommandSettings<S> {
  resolve: (flags: Record<string, unknown>, cmd: Command) => S;
  /** Setting key of an option's attribute name when they differ (e.g. `res` → `resolution`). */
  keyOf?: (attributeName: string) => string;
}

const REGISTRY = new WeakMap<Command, CommandSettings<unknown>>();

/** Sets `cmd`'s action to `run(resolve(flags))` and registers `resolve` for `settingsOf`. */
export function commandAction<S>(
  cmd: Command,
  settings: CommandSettings<S>,
  run: (settings: S, cmd: Command) => Promise<unknown> | unknown,
): Command {
  REGISTRY.set(cmd, settings as CommandSettings<unknown>);
  return cmd.action(async (flags: Record<string, unknown>, c: Command) => {
    await run(settings.resolve(flags, c), c);
  });
}

export function settingsOf(cmd: Command): CommandSettings<unknown> | undefined {
  return REGISTRY.get(cmd);
}

/** Formats a default the way help texts show it (`8x8` for grids is the caller's job). */
export function formatDefault(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * `description (default: value)` for defaults the code computes at run time (so commander must not
 * set them): the help reads the same constant the code does.
 */
export function withDefault(description: string, value: unknown): string {
  return `${description} (default: ${formatDefault(value)})`;
}
