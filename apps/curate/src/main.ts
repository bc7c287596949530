#!/usr/bin/env node
import { runProgram } from '@portrait-forge/cli';
import type { Command } from 'commander';
import { CURATE_USER_ERRORS } from './options';

/**
 * `curate review` serves for hours: it loads only its own command (the light curation entry), not
 * the face and silhouette nets every other command's module pulls in (~90 MB resident).
 */
async function program(): Promise<Command> {
  if (process.argv[2] === 'review') {
    const { reviewProgram } = await import('./review-program.js');
    return reviewProgram();
  }
  const { curateProgram } = await import('./program.js');
  return curateProgram();
}

void program().then((p) => runProgram(p, { userErrors: CURATE_USER_ERRORS }));
