import { Sfc32 } from '@portrait-forge/random';

/** z for a seed, as NVlabs' generate.py draws one latent per seed. */
export function latentForSeed(seed: number, zDim: number): Float32Array {
  return new Sfc32(seed).normals(zDim);
}

/** The latents of `seeds`, row after row ([seeds.length, zDim] row-major). */
export function latentsForSeeds(seeds: readonly number[], zDim: number): Float32Array {
  const z = new Float32Array(seeds.length * zDim);
  seeds.forEach((seed, i) => z.set(latentForSeed(seed, zDim), i * zDim));
  return z;
}

/** Seeds start, start+1, …, start+n−1. */
export const seedRange = (start: number, n: number): number[] =>
  Array.from({ length: n }, (_, i) => start + i);
