import * as tf from '@tensorflow/tfjs';
import { Adam } from './adam';
import { lazyAdamParams, type StyleGAN2Config } from './config';
import { Discriminator } from './discriminator';
import { Generator } from './generator';
import type { NoiseMode } from './layers';
import {
  type AugmentFn,
  dLossFake,
  dLossReal,
  gLossNonSaturating,
  pathLengthPenalty,
  pathLengths,
  type Phase,
  plNoiseLike,
  r1Penalty,
} from './loss';
import { Mulberry32 } from '@portrait-forge/random';
import { registerSumOfSquaresKernels, sumOfSquaresAll } from './norm-kernel';
import { deserializeWeights, type PlainWeights, serializeWeights } from './weights';

/** Explicit inputs of one phase; everything random is given, so the loss is a pure function of the weights. */
export interface PhaseInputs {
  /** Real images [N, res, res, channels] in [-1, 1] (Dmain, Dreg, Dboth). */
  real?: tf.Tensor4D;
  /** Latents [N, zDim] (G phases, Dmain). */
  z?: tf.Tensor2D;
  /** Second latents for style mixing and the first w index taken from them (numWs = no mixing). */
  mixZ?: tf.Tensor2D;
  mixCutoff?: number;
  /** PL noise (already divided by √(H·W)) for the PL batch [N / plBatchShrink, ...]. */
  plNoise?: tf.Tensor4D;
  noiseMode?: NoiseMode;
  augment?: AugmentFn;
  /** Track w_avg while mapping (true in training, as NVlabs). */
  updateWAvg?: boolean;
  /** G's images for Dmain when made already (phaseGradients makes them before the tape: D phases differentiate D only). */
  fake?: tf.Tensor4D;
}

/** Per-phase figures, means over the batch (NVlabs training_stats names in comments). */
export interface PhaseStats {
  phase: Phase;
  /** The scalar that was differentiated (gain included). */
  loss: number;
  /** Loss/scores/fake, Loss/scores/real */
  scoresFake?: number;
  scoresReal?: number;
  /** Loss/signs/real: mean sign(D(aug(real))), the ADA overfitting heuristic r_t. */
  signsReal?: number;
  /** Loss/G/loss, Loss/D/loss */
  gLoss?: number;
  dLoss?: number;
  /** Loss/r1_penalty, Loss/pl_penalty, and the running path-length mean. */
  r1Penalty?: number;
  plPenalty?: number;
  plMean?: number;
  /** Grad/G/norm: global L2 norm of G's gradients (Gmain only), for the vanishing-gradient alert. */
  gradNorm?: number;
  /** True when `skipNonFinite` found a NaN/Inf in the loss or a gradient and the step was not applied. */
  skipped?: boolean;
}

export interface TrainPhaseBatch {
  /** Real images NHWC in [-1, 1]; required by D phases. */
  real?: tf.Tensor4D;
  /** Latents; drawn from the model's seeded RNG when omitted (batch = real's batch or config.batch). */
  z?: tf.Tensor2D;
}

export interface TrainPhaseOptions {
  /** ADA or any differentiable augmentation applied to every image D sees. */
  augment?: AugmentFn;
  /** Check the loss and gradients first and skip the optimizer step if any is NaN/Inf (costs one sync). */
  skipNonFinite?: boolean;
}

interface PhaseResult {
  loss: tf.Scalar;
  stats: Record<string, tf.Tensor>;
  plMean?: tf.Scalar;
}

registerSumOfSquaresKernels();

/** The networks, optimizers and loss state of a StyleGAN2 training run. */
export class StyleGAN2 {
  readonly G: Generator;
  readonly D: Discriminator;
  readonly optG: Adam;
  readonly optD: Adam;
  /** Running mean of path lengths (NVlabs pl_mean). */
  plMean = 0;
  readonly rng: Mulberry32;

  constructor(
    readonly config: StyleGAN2Config,
    readonly seed: number,
  ) {
    this.G = new Generator(config, seed);
    this.D = new Discriminator(config, seed + 1);
    this.optG = new Adam(lazyAdamParams(config, config.gRegInterval));
    this.optD = new Adam(lazyAdamParams(config, config.dRegInterval));
    this.rng = new Mulberry32(seed + 2);
  }

  /** Level of detail of G and D (progressive growing; NVlabs assigns lod_in to both networks' `lod`). */
  setLod(lod: number): void {
    this.G.lod = lod;
    this.D.lod = lod;
  }

  /** NVlabs' phase schedule for iteration `i` (0-based): Gmain, Greg every 4th, Dmain, Dreg every 16th. */
  phasesFor(iteration: number): Phase[] {
    const { gRegInterval, dRegInterval, plWeight, r1Gamma } = this.config;
    const phases: Phase[] = [];
    if (gRegInterval === null) phases.push('Gboth');
    else {
      phases.push('Gmain');
      if (plWeight !== 0 && iteration % gRegInterval === 0) phases.push('Greg');
    }
    if (dRegInterval === null) phases.push('Dboth');
    else {
      phases.push('Dmain');
      if (r1Gamma !== 0 && iteration % dRegInterval === 0) phases.push('Dreg');
    }
    return phases;
  }

  /**
   * The first w index taken from the second latent, numWs for no mixing (NVlabs G_style / G_main StyleMix):
   * with probability styleMixingProb a cutoff in [1, cur_layers), where cur_layers = numWs − 2·⌊lod⌋ are the
   * ws the synthesis uses at the current level of detail, so mixing never lands in layers that are not run.
   */
  drawMixCutoff(): number {
    const { styleMixingProb } = this.config;
    const numWs = this.G.numWs;
    if (!(styleMixingProb > 0 && this.rng.next() < styleMixingProb)) return numWs;
    const active = this.G.synthesis.activeWs;
    return active > 1 ? this.rng.between(1, active) : numWs;
  }

  /** ws for z with style mixing at `mixCutoff` (NVlabs run_G). */
  runMapping(inputs: PhaseInputs, z: tf.Tensor2D): tf.Tensor3D {
    const ws = this.G.map(z, { updateWAvg: inputs.updateWAvg ?? false });
    const cutoff = inputs.mixCutoff ?? this.G.numWs;
    if (cutoff >= this.G.numWs || !inputs.mixZ) return ws;
    const mixWs = this.G.map(inputs.mixZ.slice(0, z.shape[0]));
    const k = this.G.numWs - cutoff;
    return tf.concat([ws.slice([0, 0, 0], [-1, cutoff, -1]), mixWs.slice([0, cutoff, 0], [-1, k, -1])], 1);
  }

  /** G(z) for the D phases: the same draws of noise and mixing as inside the loss. */
  private fakeImages(phase: Phase, inputs: PhaseInputs): tf.Tensor4D {
    const z = required(inputs.z, 'z', phase);
    return this.G.synthesize(this.runMapping(inputs, z), { noiseMode: inputs.noiseMode ?? 'random' });
  }

  private runD(img: tf.Tensor4D, augment?: AugmentFn): tf.Tensor2D {
    return this.D.apply(augment ? augment(img) : img);
  }

  /**
   * The scalar of one phase (gain = reg interval for lazy phases), built inside a gradient tape.
   * G phases differentiate w.r.t. G, D phases w.r.t. D. This is what `trainPhase` and the parity tool use.
   */
  phaseLoss(phase: Phase, inputs: PhaseInputs): PhaseResult {
    const cfg = this.config;
    const noiseMode = inputs.noiseMode ?? 'random';
    const stats: Record<string, tf.Tensor> = {};
    const terms: tf.Tensor[] = [];
    let plMean: tf.Scalar | undefined;
    const doGmain = phase === 'Gmain' || phase === 'Gboth';
    const doGpl = (phase === 'Greg' || phase === 'Gboth') && cfg.plWeight !== 0;
    const doDmain = phase === 'Dmain' || phase === 'Dboth';
    const doDr1 = (phase === 'Dreg' || phase === 'Dboth') && cfg.r1Gamma !== 0;
    const z = () => required(inputs.z, 'z', phase);
    const real = () => required(inputs.real, 'real images', phase);
    if (doGmain) {
      const img = this.G.synthesize(this.runMapping(inputs, z()), { noiseMode });
      const logits = this.runD(img, inputs.augment);
      stats['scoresFake'] = tf.mean(logits);
      const loss = tf.mean(gLossNonSaturating(logits));
      stats['gLoss'] = loss;
      terms.push(loss);
    }
    if (doGpl) {
      const gain = phase === 'Greg' ? (cfg.gRegInterval ?? 1) : 1;
      const batch = Math.max(1, Math.floor(z().shape[0] / cfg.plBatchShrink));
      const ws = this.runMapping(inputs, z().slice(0, batch));
      const r = cfg.resolution;
      const noise = inputs.plNoise ?? plNoiseLike([batch, r, r, cfg.channels], this.rng.tfSeed());
      const lengths = pathLengths(this.G, ws, noise, noiseMode);
      const { penalty, newMean } = pathLengthPenalty(lengths, this.plMean, cfg.plDecay);
      plMean = newMean;
      stats['plPenalty'] = tf.mean(penalty);
      terms.push(tf.mul(tf.mean(penalty), cfg.plWeight * gain));
    }
    let pairedRealLogits: tf.Tensor2D | undefined;
    if (doDmain) {
      const fake = inputs.fake ?? this.fakeImages(phase, inputs);
      let logits: tf.Tensor2D;
      if (doDr1) logits = this.runD(fake, inputs.augment);
      else {
        // Without R1 the reals need no graph of their own: one D pass for fakes and reals (D.applyPair).
        const augment = inputs.augment ?? ((img: tf.Tensor4D) => img);
        [logits, pairedRealLogits] = this.D.applyPair(augment(fake), augment(real()));
      }
      stats['scoresFake'] = tf.mean(logits);
      terms.push(tf.mean(dLossFake(logits)));
    }
    if (doDmain || doDr1) {
      // One forward of the reals serves the D loss, R1 and the ADA signs, as in NVlabs' Dmain/Dr1 block.
      const gain = phase === 'Dreg' ? (cfg.dRegInterval ?? 1) : 1;
      const r1 = doDr1 ? r1Penalty(this.D, real(), inputs.augment) : undefined;
      const realLogits = r1?.logits ?? pairedRealLogits ?? this.runD(real(), inputs.augment);
      stats['scoresReal'] = tf.mean(realLogits);
      stats['signsReal'] = tf.mean(tf.sign(realLogits));
      if (doDmain) {
        terms.push(tf.mean(dLossReal(realLogits)));
        stats['dLoss'] = tf.addN(terms.slice());
      }
      if (r1) {
        stats['r1Penalty'] = tf.mean(r1.penalty);
        terms.push(tf.mul(tf.mean(r1.penalty), (cfg.r1Gamma / 2) * gain));
      }
    }
    if (terms.length === 0) throw new Error(`phase ${phase} has nothing to do with this config (weight 0?)`);
    return { loss: tf.addN(terms) as tf.Scalar, stats, plMean };
  }

  /** Gradients of a phase's loss w.r.t. the phase's network, by parameter name (zeros where unconnected). */
  phaseGradients(phase: Phase, inputs: PhaseInputs): { grads: Map<string, tf.Tensor>; stats: PhaseStats } {
    const store = phase.startsWith('G') ? this.G.store : this.D.store;
    const trainable = store.trainable();
    const byId = new Map([...trainable].map(([name, v]) => [v.name, name]));
    let result: PhaseResult | undefined;
    // G's ops would only be taped (each saving clones of its tensors) to be pruned from D's backward pass.
    const makesFake = (phase === 'Dmain' || phase === 'Dboth') && !inputs.fake;
    const fake = makesFake ? tf.tidy(() => this.fakeImages(phase, inputs)) : inputs.fake;
    const { value, grads } = tf.variableGrads(() => {
      result = this.phaseLoss(phase, { ...inputs, fake });
      for (const t of Object.values(result.stats)) tf.keep(t);
      if (result.plMean) tf.keep(result.plMean);
      return result.loss;
    }, [...trainable.values()]);
    const named = new Map<string, tf.Tensor>();
    for (const [id, g] of Object.entries(grads)) {
      const name = byId.get(id);
      if (name) named.set(name, g);
    }
    for (const [name, v] of trainable) if (!named.has(name)) named.set(name, tf.zerosLike(v));
    if (!result) throw new Error('phase loss did not run');
    const stats = readStats(phase, value, result);
    if (makesFake) fake?.dispose();
    value.dispose();
    for (const t of Object.values(result.stats)) t.dispose();
    result.plMean?.dispose();
    return { grads: named, stats };
  }

  /** One optimizer step of one phase (NVlabs accumulate_gradients + opt.step). Draws z, mixing and noise itself. */
  async trainPhase(
    phase: Phase,
    batch: TrainPhaseBatch,
    options: TrainPhaseOptions = {},
  ): Promise<PhaseStats> {
    const cfg = this.config;
    const n = batch.real?.shape[0] ?? batch.z?.shape[0] ?? cfg.batch;
    let stats: PhaseStats | undefined;
    tf.tidy(() => {
      const z = batch.z ?? tf.randomNormal([n, cfg.zDim], 0, 1, 'float32', this.rng.tfSeed());
      const mixCutoff = this.drawMixCutoff();
      const mixing = mixCutoff < this.G.numWs;
      const mixZ = mixing ? tf.randomNormal([n, cfg.zDim], 0, 1, 'float32', this.rng.tfSeed()) : undefined;
      const inputs: PhaseInputs = {
        real: batch.real,
        z: z as tf.Tensor2D,
        mixZ: mixZ as tf.Tensor2D | undefined,
        mixCutoff,
        augment: options.augment,
        updateWAvg: true,
      };
      const result = this.phaseGradients(phase, inputs);
      stats = result.stats;
      if (phase === 'Gmain') stats.gradNorm = globalNorm(result.grads);
      if (options.skipNonFinite && !allFinite(stats.loss, result.grads)) {
        stats.skipped = true;
        return;
      }
      const isG = phase.startsWith('G');
      (isG ? this.optG : this.optD).apply((isG ? this.G : this.D).store.trainable(), result.grads);
    });
    if (!stats) throw new Error(`phase ${phase} produced no statistics`);
    const done: PhaseStats = stats;
    if (done.plMean !== undefined && !done.skipped) this.plMean = done.plMean;
    return done;
  }

  /** Everything needed to resume: weights, optimizer moments, pl_mean. */
  serialize(): StyleGAN2State {
    return {
      config: this.config,
      G: serializeWeights(this.G.store),
      D: serializeWeights(this.D.store),
      optG: this.optG.serialize(),
      optD: this.optD.serialize(),
      plMean: this.plMean,
    };
  }

  /** Restores a `serialize()` result; throws naming the tensor when the config differs. */
  load(state: StyleGAN2State, label = 'checkpoint'): void {
    deserializeWeights(this.G.store, state.G, `${label} (G)`);
    deserializeWeights(this.D.store, state.D, `${label} (D)`);
    this.optG.deserialize(state.optG, this.G.store.trainable());
    this.optD.deserialize(state.optD, this.D.store.trainable());
    this.plMean = state.plMean;
  }

  dispose(): void {
    this.G.dispose();
    this.D.dispose();
    this.optG.dispose();
    this.optD.dispose();
  }
}

export interface StyleGAN2State {
  config: StyleGAN2Config;
  G: PlainWeights;
  D: PlainWeights;
  optG: PlainWeights;
  optD: PlainWeights;
  plMean: number;
}

function required<T>(value: T | undefined, what: string, phase: Phase): T {
  if (value === undefined) throw new Error(`phase ${phase} needs ${what}; pass them in the batch.`);
  return value;
}

/** NaN/Inf anywhere in the loss or the gradients (one reduction, one sync). */
function allFinite(loss: number, grads: Map<string, tf.Tensor>): boolean {
  if (!Number.isFinite(loss)) return false;
  const total = tf.tidy(() => tf.addN([...grads.values()].map((g) => tf.sum(g))).dataSync()[0]);
  return Number.isFinite(total);
}

/** sqrt(Σ g²) over all gradients (one reduction, one sync). */
function globalNorm(grads: Map<string, tf.Tensor>): number {
  return tf.tidy(() => tf.sqrt(sumOfSquaresAll([...grads.values()])).dataSync()[0]);
}

function readStats(phase: Phase, loss: tf.Scalar, result: PhaseResult): PhaseStats {
  const stats: PhaseStats = { phase, loss: loss.dataSync()[0] };
  for (const [key, t] of Object.entries(result.stats)) {
    (stats as unknown as Record<string, number>)[key] = t.dataSync()[0];
  }
  if (result.plMean) stats.plMean = result.plMean.dataSync()[0];
  return stats;
}

/** Builds G, D, optimizers (with the lazy-regularisation correction) and loss state from one seed. */
export function createStyleGAN2(config: StyleGAN2Config, seed = 0): StyleGAN2 {
  return new StyleGAN2(config, seed);
}
