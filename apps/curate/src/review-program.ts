import { Command } from 'commander';
import { reviewCommand } from './commands/review';
import { CURATE_DESCRIPTION } from './options';

/** `curate` with only the review command (see main.ts). */
export function reviewProgram(): Command {
  return new Command('curate').description(CURATE_DESCRIPTION).addCommand(reviewCommand());
}
