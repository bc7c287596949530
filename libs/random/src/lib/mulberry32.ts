/**
 * mulberry32: a seeded PRNG whose whole state is one uint32 (checkpointable as a number). Weight
 * initialisation, noise and style mixing (stylegan2), metric subsampling (metrics) and gradient checks
 * (tf-runtime) draw from it, so each is reproducible from one seed.
 */
export class Mulberry32 {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Integer in [lo, hi). */
  between(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo));
  }

  /** Standard normal (Box–Muller, cosine branch: two draws per value). */
  normal(): number {
    const u = 1 - this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }

  /** A fresh 31-bit seed for a tfjs random op. */
  tfSeed(): number {
    return Math.floor(this.next() * 0x7fffffff);
  }

  /** The whole generator state, for checkpoints (resume continues the exact sequence). */
  getState(): number {
    return this.state;
  }

  setState(state: number): void {
    this.state = state >>> 0;
  }
}

/** n standard-normal float32 samples (Box–Muller, both branches); much faster than seeded tf.randomNormal for large inits. */
export function normalArray(rng: Mulberry32, n: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i += 2) {
    const u = 1 - rng.next();
    const r = Math.sqrt(-2 * Math.log(u));
    const theta = 2 * Math.PI * rng.next();
    out[i] = r * Math.cos(theta);
    if (i + 1 < n) out[i + 1] = r * Math.sin(theta);
  }
  return out;
}
