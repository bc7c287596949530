export {
  positiveInt,
  nonNegativeInt,
  finiteNumber,
  nonNegativeNumber,
  numberIn,
  powerOfTwo,
  grid,
  formatGrid,
  seedRanges,
  oneOf,
  type ArgParser,
} from './lib/parsers';
export {
  UsageError,
  runProgram,
  formatFailure,
  isUsageError,
  stderrLog,
  backendOption,
  type RunProgramOptions,
} from './lib/program';
export { commandAction, settingsOf, withDefault, formatDefault, type CommandSettings } from './lib/settings';
