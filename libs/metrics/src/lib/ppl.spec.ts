import { perceptualPathLength, trimmedMean } from './ppl';
import { createRng } from './random';

describe('perceptual path length (w space, endpoints)', () => {
  it('equals |A (w_b − w_a)|² for a linear generator + identity embedding', async () => {
    // "image" = A w with A = diag(1, 2, 3); embedding = the image itself
    const scale = [1, 2, 3];
    let draw = 0;
    const ws = [Float32Array.from([0, 0, 0]), Float32Array.from([1, 1, 1])];
    const result = await perceptualPathLength<number[]>({
      sampleW: () => ws[draw++ % 2],
      generate: async (batch) => batch.map((w) => Array.from(w, (v, i) => v * scale[i])),
      embed: async (images) => images,
      rng: createRng(0),
      numSamples: 10,
      batchSize: 4,
      epsilon: 1e-2, // exact in float32 at this ε
    });
    expect(result.ppl).toBeCloseTo(1 + 4 + 9, 3);
    expect(result.sampling).toBe('end');
  });

  it('drops values outside the 1st–99th percentile like SG2-ADA', () => {
    const values = Array.from({ length: 101 }, (_, i) => i);
    values[100] = 1e9;
    expect(trimmedMean(values)).toBeCloseTo(50, 6); // keeps 1..99, drops 0 and 1e9
  });
});
