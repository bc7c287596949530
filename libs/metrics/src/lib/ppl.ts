import type { Rng } from './random';

/**
 * Perceptual path length in W (SG2-ADA metrics/perceptual_path_length.py with space='w' and
 * sampling='end' by default), except the image distance is the squared L2 distance between face embeddings instead
 * of LPIPS: the result is `ppl_wend[<extractor>]` and is not comparable with published PPL.
 */
export interface PplOptions<Image> {
  /** Draws one w vector (e.g. mapping network on a fresh z). */
  sampleW: (rng: Rng) => Float32Array;
  /** Synthesises one image per w. */
  generate: (ws: Float32Array[]) => Promise<Image[]>;
  /** Embeds images (same order) — e.g. the face128 extractor. */
  embed: (images: Image[]) => Promise<ArrayLike<number>[]>;
  rng: Rng;
  numSamples?: number;
  batchSize?: number;
  epsilon?: number;
  /** 'end' (default, SG2-ADA ppl_wend): t = 0; 'full': t ~ U(0, 1). */
  sampling?: 'end' | 'full';
}

export interface PplResult {
  ppl: number;
  numSamples: number;
  epsilon: number;
  sampling: 'end' | 'full';
}

export async function perceptualPathLength<Image>(options: PplOptions<Image>): Promise<PplResult> {
  const epsilon = options.epsilon ?? 1e-4;
  const numSamples = options.numSamples ?? 100;
  const batchSize = options.batchSize ?? 8;
  const sampling = options.sampling ?? 'end';
  const distances: number[] = [];
  while (distances.length < numSamples) {
    const count = Math.min(batchSize, numSamples - distances.length);
    const ws: Float32Array[] = [];
    for (let i = 0; i < count; i++) {
      const a = options.sampleW(options.rng);
      const b = options.sampleW(options.rng);
      const t = sampling === 'full' ? options.rng.next() : 0;
      ws.push(lerp(a, b, t), lerp(a, b, t + epsilon));
    }
    const embeddings = await options.embed(await options.generate(ws));
    for (let i = 0; i < count; i++) {
      distances.push(squaredL2(embeddings[2 * i], embeddings[2 * i + 1]) / epsilon ** 2);
    }
  }
  return { ppl: trimmedMean(distances), numSamples, epsilon, sampling };
}

function lerp(a: Float32Array, b: Float32Array, t: number): Float32Array {
  if (a.length !== b.length) throw new Error(`PPL: w vectors differ in length (${a.length} vs ${b.length})`);
  return a.map((v, i) => v + (b[i] - v) * t);
}

function squaredL2(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return s;
}

/** Mean of the values within the 1st–99th percentile, as SG2-ADA (np.percentile, interpolation='lower'/'higher'). */
export function trimmedMean(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const lo = sorted[Math.floor(0.01 * (sorted.length - 1))];
  const hi = sorted[Math.ceil(0.99 * (sorted.length - 1))];
  const kept = sorted.filter((v) => v >= lo && v <= hi);
  return kept.reduce((s, v) => s + v, 0) / kept.length;
}
