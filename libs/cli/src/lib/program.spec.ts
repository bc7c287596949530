import { Command, InvalidArgumentError } from 'commander';
import { helpDefaultMismatches } from './help-defaults';
import { positiveInt } from './parsers';
import { backendOption, formatFailure, UsageError } from './program';
import { commandAction, withDefault } from './settings';

class MissingModelError extends Error {}

describe('formatFailure', () => {
  it('prints users’ mistakes as one line and bugs with their stack', () => {
    expect(formatFailure('trainer', new UsageError('--res 96: use a power of two'))).toBe(
      'trainer: --res 96: use a power of two\n',
    );
    expect(formatFailure('curate', new InvalidArgumentError('expected x'))).toBe('curate: expected x\n');
    expect(formatFailure('curate', new MissingModelError('no model'), [MissingModelError])).toBe(
      'curate: no model\n',
    );
    const bug = formatFailure('trainer', new TypeError('x is undefined'));
    expect(bug.split('\n')[0]).toBe('trainer: x is undefined');
    expect(bug).toMatch(/at .*program\.spec\.ts/);
  });
});

describe('backendOption', () => {
  it('defaults to auto and accepts only the listed backends', () => {
    const option = backendOption(['wasm', 'cpu']);
    expect(option.defaultValue).toBe('auto');
    expect(option.parseArg?.('wasm', undefined)).toBe('wasm');
    expect(() => option.parseArg?.('gpu', undefined)).toThrow('Expected one of auto, wasm, cpu.');
  });
});

describe('helpDefaultMismatches', () => {
  const COUNT = 4;
  function program(runtimeCount: number, helpCount: number): Command {
    const cmd = new Command('make')
      .option('--count <n>', withDefault('how many', helpCount), positiveInt)
      .option('--size <n>', 'side', positiveInt, 16)
      .option('--name <s>', 'label')
      .option('--no-progress', 'no bar');
    commandAction(
      cmd,
      {
        resolve: (f) => ({
          count: f['count'] ?? runtimeCount,
          size: f['size'],
          name: f['name'],
          progress: f['progress'],
        }),
      },
      () => undefined,
    );
    return new Command('prog').addCommand(cmd);
  }

  it('finds nothing when help and code read the same constant', () => {
    expect(helpDefaultMismatches(program(COUNT, COUNT))).toEqual([]);
  });

  it('names the flag when the default changed in only one place', () => {
    expect(helpDefaultMismatches(program(COUNT, 5))).toEqual([
      { command: 'make', flag: '--count', help: '5', runtime: 4 },
    ]);
  });

  it('takes a command without registered settings to run with its flags as parsed', () => {
    const prog = new Command('p').addCommand(new Command('bare').option('--x <n>', withDefault('x', 3)));
    expect(helpDefaultMismatches(prog)).toEqual([
      { command: 'bare', flag: '--x', help: '3', runtime: undefined },
    ]);
  });
});
