// Test builders (nx-examples' `testing` entry point): import from '@portrait-forge/training/testing'.
export { syntheticImageFolder, tempDir } from './lib/testing/image-folder';
