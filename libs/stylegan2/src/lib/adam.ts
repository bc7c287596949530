import * as tf from '@tensorflow/tfjs';
import { type AdamStepAttrs, hasAdamStepKernel, registerAdamStepKernels, runAdamStep } from './adam-kernel';
import { JS_KERNEL_MAX_SIZE } from '@portrait-forge/tf-runtime';
import type { PlainWeights } from './weights';

registerAdamStepKernels();

interface Moments {
  m: tf.Variable;
  v: tf.Variable;
  step: number;
}

export interface AdamParams {
  learningRate: number;
  betas: [number, number];
  epsilon: number;
}

/**
 * Adam as torch.optim.Adam (per-parameter step counts, bias correction, ε outside the sqrt), with NVlabs'
 * nan_to_num on gradients. Its state serialises to the same plain format as the weights.
 */
export class Adam {
  private readonly moments = new Map<string, Moments>();

  constructor(public params: AdamParams) {}

  /** p ← p − lr·m̂/(√v̂ + ε) for every (name → variable) with a gradient. */
  apply(variables: Map<string, tf.Variable>, grads: Map<string, tf.Tensor>): void {
    const fused = hasAdamStepKernel();
    for (const [name, variable] of variables) {
      const grad = grads.get(name);
      if (!grad) continue;
      const state = this.stateFor(name, variable);
      state.step += 1;
      const attrs = this.stepAttrs(state.step);
      if (fused && variable.size <= JS_KERNEL_MAX_SIZE) applyFused(variable, state, grad, attrs);
      else applyOps(variable, state, grad, attrs);
    }
  }

  private stepAttrs(step: number): AdamStepAttrs {
    const { learningRate: lr, betas, epsilon } = this.params;
    const [b1, b2] = betas;
    return {
      beta1: b1,
      oneMinusBeta1: 1 - b1,
      beta2: b2,
      oneMinusBeta2: 1 - b2,
      sqrtBiasCorrection2: Math.sqrt(1 - b2 ** step),
      epsilon,
      stepSize: lr / (1 - b1 ** step),
    };
  }

  private stateFor(name: string, like: tf.Variable): Moments {
    let state = this.moments.get(name);
    if (!state) {
      state = {
        m: tf.variable(tf.zerosLike(like), false),
        v: tf.variable(tf.zerosLike(like), false),
        step: 0,
      };
      this.moments.set(name, state);
    }
    return state;
  }

  /** `<name>.exp_avg`, `<name>.exp_avg_sq` and `<name>.step` tensors. */
  serialize(): PlainWeights {
    const out: PlainWeights = {};
    for (const [name, s] of this.moments) {
      out[`${name}.exp_avg`] = {
        shape: [...s.m.shape],
        dtype: 'float32',
        data: Float32Array.from(s.m.dataSync()),
      };
      out[`${name}.exp_avg_sq`] = {
        shape: [...s.v.shape],
        dtype: 'float32',
        data: Float32Array.from(s.v.dataSync()),
      };
      out[`${name}.step`] = { shape: [], dtype: 'float32', data: Float32Array.of(s.step) };
    }
    return out;
  }

  /** Restores moments for the given parameters (missing entries start fresh). */
  deserialize(state: PlainWeights, variables: Map<string, tf.Variable>): void {
    for (const [name, variable] of variables) {
      const m = state[`${name}.exp_avg`];
      const v = state[`${name}.exp_avg_sq`];
      const step = state[`${name}.step`];
      if (!m || !v || !step) continue;
      const s = this.stateFor(name, variable);
      s.m.assign(tf.tensor(m.data, variable.shape));
      s.v.assign(tf.tensor(v.data, variable.shape));
      s.step = step.data[0];
    }
  }

  /** Forgets all moments and step counts (NVlabs reset_opt_for_new_lod when layers fade in). */
  reset(): void {
    this.dispose();
  }

  dispose(): void {
    for (const s of this.moments.values()) {
      s.m.dispose();
      s.v.dispose();
    }
    this.moments.clear();
  }
}

/** One kernel call for a small parameter (wasm, cpu). */
function applyFused(variable: tf.Variable, state: Moments, grad: tf.Tensor, attrs: AdamStepAttrs): void {
  const [p, m, v] = runAdamStep(variable, state.m, state.v, grad, attrs);
  state.m.assign(m);
  state.v.assign(v);
  variable.assign(p);
  tf.dispose([p, m, v]);
}

/** The same step from tfjs ops: large parameters, and backends without the kernel (tfjs-node, WebGL). */
function applyOps(variable: tf.Variable, state: Moments, rawGrad: tf.Tensor, a: AdamStepAttrs): void {
  tf.tidy(() => {
    const g = tf.clipByValue(tf.where(tf.isNaN(rawGrad), tf.zerosLike(rawGrad), rawGrad), -1e5, 1e5);
    const m = tf.add(tf.mul(state.m, a.beta1), tf.mul(g, a.oneMinusBeta1));
    const v = tf.add(tf.mul(state.v, a.beta2), tf.mul(tf.square(g), a.oneMinusBeta2));
    const denom = tf.add(tf.div(tf.sqrt(v), a.sqrtBiasCorrection2), a.epsilon);
    state.m.assign(m);
    state.v.assign(v);
    variable.assign(tf.sub(variable, tf.mul(tf.div(m, denom), a.stepSize)));
  });
}
