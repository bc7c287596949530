import { Command } from 'commander';
import { decideCommand } from './commands/decide';
import { dedupeCommand } from './commands/dedupe';
import { exportCommand } from './commands/export';
import { filterCommand } from './commands/filter';
import { mergeCommand } from './commands/merge';
import { reportCommand } from './commands/report';
import { reviewCommand } from './commands/review';

export function curateProgram(): Command {
  return new Command('curate')
    .description('portrait-forge curation: photos → keep/reject decisions, review report, aligned dataset')
    .addCommand(filterCommand())
    .addCommand(mergeCommand())
    .addCommand(decideCommand())
    .addCommand(reportCommand())
    .addCommand(reviewCommand())
    .addCommand(dedupeCommand())
    .addCommand(exportCommand());
}
