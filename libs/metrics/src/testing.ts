// Test builders (nx-examples' `testing` entry point): import from '@portrait-forge/metrics/testing'.
export { sampleGaussian, sampleMixture, randomCentres } from './lib/testing/gaussians';
