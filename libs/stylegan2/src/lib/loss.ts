import * as tf from '@tensorflow/tfjs';
import type { Discriminator } from './discriminator';
import type { Generator } from './generator';
import type { NoiseMode } from './layers';

/** The four phases of NVlabs' StyleGAN2Loss (plus the non-lazy "both" phases of configs a–b). */
export type Phase = 'Gmain' | 'Greg' | 'Gboth' | 'Dmain' | 'Dreg' | 'Dboth';
export const PHASES: readonly Phase[] = ['Gmain', 'Greg', 'Gboth', 'Dmain', 'Dreg', 'Dboth'];

/** A differentiable augmentation D sees for reals and fakes (ADA). Must not change the shape. */
export type AugmentFn = (images: tf.Tensor4D) => tf.Tensor4D;

/** Non-saturating G loss per sample: softplus(−D(G(z))) = −log σ(logit). */
export function gLossNonSaturating(fakeLogits: tf.Tensor): tf.Tensor {
  return tf.softplus(tf.neg(fakeLogits));
}

/** D loss on fakes per sample: softplus(D(G(z))). */
export function dLossFake(fakeLogits: tf.Tensor): tf.Tensor {
  return tf.softplus(fakeLogits);
}

/** D loss on reals per sample: softplus(−D(x)). */
export function dLossReal(realLogits: tf.Tensor): tf.Tensor {
  return tf.softplus(tf.neg(realLogits));
}

/**
 * R1 penalty per sample, ‖∇ₓ Σ D(aug(x))‖² (weight γ/2 is applied by the caller), and the logits of the
 * same forward pass (NVlabs reuses them for the D loss and the ADA signs).
 */
export function r1Penalty(
  D: Discriminator,
  real: tf.Tensor4D,
  augment?: AugmentFn,
): { penalty: tf.Tensor1D; logits: tf.Tensor2D } {
  const { value, grad } = tf.valueAndGrad((x: tf.Tensor) =>
    D.apply(augment ? augment(x as tf.Tensor4D) : (x as tf.Tensor4D)),
  )(real);
  return { penalty: tf.sum(tf.square(grad), [1, 2, 3]) as tf.Tensor1D, logits: value as tf.Tensor2D };
}

/** Path lengths per sample: √(mean_over_ws ‖J_wᵀ y‖²) with y = noise / √(H·W). */
export function pathLengths(
  G: Generator,
  ws: tf.Tensor3D,
  plNoise: tf.Tensor4D,
  noiseMode: NoiseMode,
): tf.Tensor1D {
  const grads = tf.grad((w) => tf.sum(tf.mul(G.synthesize(w as tf.Tensor3D, { noiseMode }), plNoise)))(ws);
  return tf.sqrt(tf.mean(tf.sum(tf.square(grads), 2), 1)) as tf.Tensor1D;
}

/** Path-length penalty (lengths − a)² with a ← lerp(a, mean(lengths), decay) kept differentiable as in NVlabs. */
export function pathLengthPenalty(
  lengths: tf.Tensor1D,
  plMean: number,
  decay: number,
): { penalty: tf.Tensor1D; newMean: tf.Scalar } {
  const newMean = tf.add(plMean, tf.mul(tf.sub(tf.mean(lengths), plMean), decay)) as tf.Scalar;
  return { penalty: tf.square(tf.sub(lengths, newMean)) as tf.Tensor1D, newMean };
}

/** Standard-normal PL noise scaled by 1/√(H·W), as in NVlabs. */
export function plNoiseLike(shape: [number, number, number, number], seed: number): tf.Tensor4D {
  return tf.div(tf.randomNormal(shape, 0, 1, 'float32', seed), Math.sqrt(shape[1] * shape[2])) as tf.Tensor4D;
}
