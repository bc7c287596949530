#!/usr/bin/env node
import { runProgram } from '@portrait-forge/cli';
import { ImageDecodeError } from '@portrait-forge/image-io';
import { ManifestError } from '@portrait-forge/manifest';
import { ModelCacheError } from '@portrait-forge/model-cache';
import { trainerProgram } from './program';

void runProgram(trainerProgram(), { userErrors: [ModelCacheError, ImageDecodeError, ManifestError] });
