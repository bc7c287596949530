import type * as tfType from '@tensorflow/tfjs';
import { Mulberry32 } from '@portrait-forge/random';

/**
 * Finite-difference check of tfjs gradients, for specs. Compares the analytic directional derivative
 * Σ⟨∇f, v⟩ (accumulated in float64) with a 5-point central difference, which is exact for polynomials up
 * to degree 4 — all the bi/tri-linear losses the specs build — so a large step keeps float32 rounding
 * noise small instead of trading it against truncation error.
 */

export type Rng = () => number;

/** Deterministic uniform [0, 1) generator (mulberry32). */
export function makeRng(seed: number): Rng {
  const rng = new Mulberry32(seed);
  return () => rng.next();
}

/** Standard normal samples clipped to ±3 (so a step of ε·v stays within ±3ε). */
export function normals(rng: Rng, n: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const g = Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
    out[i] = Math.max(-3, Math.min(3, g));
  }
  return out;
}

/** A tensor of `normals`; with `awayFromZero` its entries are pushed out to |v| ≥ 0.3 (clear of kinks). */
export function randomTensor(
  tf: typeof tfType,
  rng: Rng,
  shape: number[],
  awayFromZero = false,
): tfType.Tensor {
  const values = normals(
    rng,
    shape.reduce((a, b) => a * b, 1),
  );
  if (awayFromZero)
    for (let i = 0; i < values.length; i++)
      values[i] = Math.sign(values[i] || 1) * (0.3 + Math.abs(values[i]));
  return tf.tensor(values, shape);
}

export interface GradCheck {
  analytic: number;
  numeric: number;
  relError: number;
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/**
 * Checks `tf.grads(f)` at `xs` along a random direction. `f` must return a scalar; `eps` is the step
 * along the direction (whose entries are N(0,1) clipped to ±3).
 */
export function directionalCheck(
  tf: typeof tfType,
  f: (...xs: tfType.Tensor[]) => tfType.Scalar,
  xs: tfType.Tensor[],
  rng: Rng,
  eps: number,
): GradCheck {
  const directions = xs.map((x) => normals(rng, x.size));
  const grads = tf.tidy(() =>
    tf
      .grads((...args: tfType.Tensor[]) => f(...args))(xs)
      .map((g) => g.dataSync()),
  );
  const analytic = grads.reduce((sum, g, i) => sum + dot(g, directions[i]), 0);
  const at = (step: number): number =>
    tf.tidy(() => {
      const moved = xs.map((x, i) => tf.add(x, tf.mul(tf.tensor(directions[i], x.shape), step)));
      return f(...moved).dataSync()[0];
    });
  const numeric = (-at(2 * eps) + 8 * at(eps) - 8 * at(-eps) + at(-2 * eps)) / (12 * eps);
  const relError = Math.abs(analytic - numeric) / Math.max(Math.abs(analytic), Math.abs(numeric), 1e-12);
  return { analytic, numeric, relError };
}
