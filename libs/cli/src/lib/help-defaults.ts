import { isDeepStrictEqual } from 'node:util';
import type { Command, Option } from 'commander';
import { settingsOf } from './settings';

export interface HelpDefaultMismatch {
  command: string;
  flag: string;
  /** What `--help` shows after "default:" (undefined: shows none). */
  help: string | undefined;
  /** What the command runs with when the flag is absent. */
  runtime: unknown;
}

const DEFAULT_RE = /[(,] ?default: (.*)\)\s*$/;

/** The default `--help` prints for `option` (commander's own or a `withDefault` note). */
function helpDefault(cmd: Command, option: Option): string | undefined {
  return DEFAULT_RE.exec(cmd.createHelp().optionDescription(option))?.[1];
}

/** The help text's default read back as a value: through the option's own parser, else as JSON, else verbatim. */
function helpValue(option: Option, text: string): unknown {
  let raw = text;
  try {
    const json: unknown = JSON.parse(text);
    if (typeof json !== 'string') return json;
    raw = json;
  } catch {
    // not JSON: a verbatim string or a value for the option's parser
  }
  return option.parseArg ? option.parseArg<unknown>(raw, undefined) : raw;
}

/**
 * Every option of every (sub)command of `program` whose help default differs from what the command runs
 * with when the flag is absent. `required` supplies values for required options, per command name.
 * A command without registered settings (see commandAction) runs with its flags as parsed.
 */
export function helpDefaultMismatches(
  program: Command,
  required: Record<string, Record<string, unknown>> = {},
): HelpDefaultMismatch[] {
  const out: HelpDefaultMismatch[] = [];
  const commands = program.commands.length ? program.commands : [program];
  for (const cmd of commands) {
    const settings = settingsOf(cmd) ?? { resolve: (flags: Record<string, unknown>) => flags };
    const flags: Record<string, unknown> = { ...cmd.opts(), ...(required[cmd.name()] ?? {}) };
    const resolved = settings.resolve(flags, cmd);
    for (const option of cmd.options) {
      if (option.hidden) continue;
      const name = option.attributeName();
      if (name in (required[cmd.name()] ?? {})) continue;
      const help = helpDefault(cmd, option);
      const runtime =
        'valueAt' in settings && settings.valueAt
          ? settings.valueAt(resolved, name)
          : (resolved as Record<string, unknown>)[name];
      // `--no-x` options default to x = true without a help note.
      const expected = help === undefined ? (option.negate ? true : undefined) : helpValue(option, help);
      if (!isDeepStrictEqual(expected, runtime))
        out.push({ command: cmd.name(), flag: option.long ?? option.flags, help, runtime });
    }
  }
  return out;
}
