import * as tf from '@tensorflow/tfjs';
import { emaLerp, registerLerpKernels } from './lerp-kernel';

registerLerpKernels();

/** One tensor in the plain checkpoint format. */
export interface PlainTensor {
  shape: number[];
  dtype: 'float32';
  data: Float32Array;
}
/** Tensor name (NVlabs naming, e.g. `synthesis.b8.conv0.weight`) → tensor. */
export type PlainWeights = Record<string, PlainTensor>;

/**
 * The named tensors of one network. Parameters are trainable tf.Variables in NVlabs' layouts
 * ([out, in, kh, kw] conv weights, [out, in] FC weights); buffers (w_avg, noise_const) are not trainable.
 */
let variableCounter = 0;

export class ParamStore {
  private readonly tensors = new Map<string, tf.Variable>();

  constructor(readonly prefix: string) {}

  add(name: string, value: tf.Tensor, trainable = true): tf.Variable {
    const full = this.prefix + name;
    if (this.tensors.has(full)) throw new Error(`Duplicate parameter ${full}`);
    const variable = tf.variable(value, trainable, `sg2/${full}/${variableCounter++}`);
    value.dispose();
    this.tensors.set(full, variable);
    return variable;
  }

  get(name: string): tf.Variable {
    const variable = this.tensors.get(this.prefix + name);
    if (!variable) throw new Error(`No parameter ${this.prefix + name}`);
    return variable;
  }

  /** Lookup by full name (prefix included), or undefined. */
  byFullName(full: string): tf.Variable | undefined {
    return this.tensors.get(full);
  }

  names(): string[] {
    return [...this.tensors.keys()];
  }

  entries(): [string, tf.Variable][] {
    return [...this.tensors.entries()];
  }

  /** Trainable parameters by full name. */
  trainable(): Map<string, tf.Variable> {
    return new Map([...this.tensors].filter(([, v]) => v.trainable));
  }

  dispose(): void {
    for (const v of this.tensors.values()) v.dispose();
    this.tensors.clear();
  }
}

/** Copies every tensor to plain Float32Arrays (for checkpoints and the parity export). */
export function serializeWeights(store: ParamStore): PlainWeights {
  const out: PlainWeights = {};
  for (const [name, v] of store.entries()) {
    out[name] = { shape: [...v.shape], dtype: 'float32', data: Float32Array.from(v.dataSync()) };
  }
  return out;
}

/** Loads plain weights into a store; every name must be present with the same shape. */
export function deserializeWeights(store: ParamStore, weights: PlainWeights, label = 'weights'): void {
  for (const [name, v] of store.entries()) {
    const t = weights[name];
    if (!t)
      throw new Error(`${label}: missing tensor "${name}"; the checkpoint was made for another config.`);
    const expected = v.shape.reduce((a, b) => a * b, 1);
    if (t.shape.join(',') !== v.shape.join(',') || t.data.length !== expected) {
      throw new Error(
        `${label}: tensor "${name}" has shape [${t.shape.join(', ')}] but the network expects [${v.shape.join(', ')}]; use the config the checkpoint was trained with.`,
      );
    }
    v.assign(tf.tensor(t.data, v.shape, 'float32'));
  }
}

/** dst ← src for every tensor (e.g. initialise G_ema from G). */
export function copyWeights(src: ParamStore, dst: ParamStore): void {
  for (const [name, v] of dst.entries()) v.assign(lookup(src, name, v));
}

/** dst ← src + (dst − src)·beta for parameters and dst ← src for buffers: NVlabs' G_ema update. */
export function lerpWeights(dst: ParamStore, src: ParamStore, beta: number): void {
  tf.tidy(() => {
    for (const [name, v] of dst.entries()) {
      const s = lookup(src, name, v);
      v.assign(v.trainable ? emaLerp(v, s, beta) : s);
    }
  });
}

function lookup(src: ParamStore, name: string, like: tf.Variable): tf.Tensor {
  const found = src.byFullName(name);
  if (!found || found.shape.join(',') !== like.shape.join(',')) {
    throw new Error(`copy/lerp weights: source has no tensor "${name}" of shape [${like.shape.join(', ')}]`);
  }
  return found;
}
