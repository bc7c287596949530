#!/usr/bin/env node
import { runProgram } from '@portrait-forge/cli';
import { curateProgram } from './program';
import { CURATE_USER_ERRORS } from './options';

void runProgram(curateProgram(), { userErrors: CURATE_USER_ERRORS });
