import type { BrisqueModel } from './model';

// Math functions aliased once: under Jest's vm context every `Math.x` lookup in a hot loop is slow.
const { exp, fround } = Math;

/** quality_utils::scale in float32: −1 + 2·(v − min)/(max − min). */
export function scaleFeatures(features: ArrayLike<number>, model: BrisqueModel): Float32Array {
  const f = fround;
  const scaled = new Float32Array(model.featureCount);
  for (let i = 0; i < model.featureCount; i++) {
    const span = f(model.rangeMax[i] - model.rangeMin[i]);
    scaled[i] = f(-1 + f(f(2 * f(f(features[i]) - model.rangeMin[i])) / span));
  }
  return scaled;
}

/**
 * ml::SVM::predict for EPS_SVR with an RBF kernel: float32 differences, double squared distance,
 * float32 kernel values, double weighted sum minus ρ.
 */
export function predictSvr(scaled: Float32Array, model: BrisqueModel): number {
  const { supportVectors: sv, alpha, featureCount: d, supportVectorCount } = model;
  const f = fround;
  const negGamma = -model.gamma;
  let sum = -model.rho;
  for (let j = 0, base = 0; j < supportVectorCount; j++, base += d) {
    let distance = 0;
    let k = 0;
    // Pairs summed as in OpenCV's calc_rbf, so the double sum rounds identically.
    for (; k <= d - 2; k += 2) {
      const t0 = f(sv[base + k] - scaled[k]);
      const t1 = f(sv[base + k + 1] - scaled[k + 1]);
      distance += t0 * t0 + t1 * t1;
    }
    for (; k < d; k++) {
      const t = f(sv[base + k] - scaled[k]);
      distance += t * t;
    }
    sum += f(exp(f(distance * negGamma))) * alpha[j];
  }
  return f(sum);
}
