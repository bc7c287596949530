import { Mulberry32 } from '@portrait-forge/random';

/** The metrics' seeded PRNG (mulberry32), so every metric that subsamples is reproducible. */
export type Rng = Pick<Mulberry32, 'next' | 'normal' | 'int'>;

export const createRng = (seed: number): Rng => new Mulberry32(seed);

/** `count` distinct indices from [0, n) (partial Fisher–Yates), like np.random.choice(replace=False). */
export function sampleWithoutReplacement(rng: Rng, n: number, count: number): Uint32Array {
  if (count > n) throw new Error(`cannot draw ${count} distinct items from ${n}`);
  const pool = new Uint32Array(n);
  for (let i = 0; i < n; i++) pool[i] = i;
  for (let i = 0; i < count; i++) {
    const j = i + rng.int(n - i);
    const t = pool[i];
    pool[i] = pool[j];
    pool[j] = t;
  }
  return pool.slice(0, count);
}
