export { helpDefaultMismatches, type HelpDefaultMismatch } from './lib/help-defaults';
