import { Command } from 'commander';
import { decideCommand } from './commands/decide';
import { dedupeCommand } from './commands/dedupe';
import { exportCommand } from './commands/export';
import { filterCommand } from './commands/filter';
import { mergeCommand } from './commands/merge';
import { reportCommand } from './commands/report';
import { reviewCommand } from './commands/review';
import { CURATE_DESCRIPTION } from './options';

export function curateProgram(): Command {
  return new Command('curate')
    .description(CURATE_DESCRIPTION)
    .addCommand(filterCommand())
    .addCommand(mergeCommand())
    .addCommand(decideCommand())
    .addCommand(reportCommand())
    .addCommand(reviewCommand())
    .addCommand(dedupeCommand())
    .addCommand(exportCommand());
}
