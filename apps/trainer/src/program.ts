import { Command } from 'commander';
import { convertCommand } from './commands/convert';
import { projectCommand } from './commands/project';
import { featuresCommand } from './commands/features';
import { generateCommand } from './commands/generate';
import { metricsCommand } from './commands/metrics';
import { reportCommand } from './commands/report';
import { trainCommand } from './commands/train';

export function trainerProgram(): Command {
  return new Command('trainer')
    .description(
      'portrait-forge training: StyleGAN2 runs, sampling, feature extraction, metrics, run reports',
    )
    .addCommand(trainCommand())
    .addCommand(generateCommand())
    .addCommand(metricsCommand())
    .addCommand(featuresCommand())
    .addCommand(reportCommand())
    .addCommand(convertCommand())
    .addCommand(projectCommand());
}
