import type { Command } from 'commander';

/**
 * A command's flags → the settings it runs with, as a pure step (no I/O), registered so tests can ask
 * what a command uses when a flag is absent (`settingsOf`) and compare it with what `--help` claims.
 */
export interface CommandSettings<S, F = Record<string, unknown>> {
  /** `flags` is commander's `opts()`, typed by the caller as the options it declared. */
  resolve: (flags: F, cmd: Command) => S;
  /**
   * The value an option ends up as inside the settings, when not `settings[attributeName]` (e.g. `--res`
   * → `resolution`, `--brisque` → `thresholds.brisque`).
   */
  valueAt?: (settings: S, attributeName: string) => unknown;
}

const REGISTRY = new WeakMap<Command, CommandSettings<unknown, never>>();

/** Sets `cmd`'s action to `run(resolve(flags))` and registers `resolve` for `settingsOf`. */
export function commandAction<S, F = Record<string, unknown>>(
  cmd: Command,
  settings: CommandSettings<S, F>,
  run: (settings: S, cmd: Command) => Promise<unknown> | unknown,
): Command {
  REGISTRY.set(cmd, settings as unknown as CommandSettings<unknown, never>);
  return cmd.action(async (flags: F, c: Command) => {
    await run(settings.resolve(flags, c), c);
  });
}

export function settingsOf(cmd: Command): CommandSettings<unknown, Record<string, unknown>> | undefined {
  return REGISTRY.get(cmd) as CommandSettings<unknown, Record<string, unknown>> | undefined;
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
