/**
 * ADA's p controller (NVlabs training_loop.py): every `interval` minibatches, move p by
 * sign(E[sign(D(real))] − target) · batch·interval / (adaKimg·1000), clamped at 0.
 */
export interface AdaState {
  p: number;
  signSum: number;
  signCount: number;
  /** The last r_t = E[sign(D(real))] used for an update (NaN before the first). */
  rt: number;
}

export interface AdaOptions {
  target: number;
  interval: number;
  adaKimg: number;
  batch: number;
}

export function initialAda(p = 0): AdaState {
  return { p, signSum: 0, signCount: 0, rt: Number.NaN };
}

export function accumulateSigns(state: AdaState, realLogits: ArrayLike<number>): AdaState {
  let sum = 0;
  for (let i = 0; i < realLogits.length; i++) sum += Math.sign(realLogits[i]);
  return { ...state, signSum: state.signSum + sum, signCount: state.signCount + realLogits.length };
}

/** Called after each minibatch with its index; adjusts p on every `interval`-th batch. */
export function maybeAdjust(state: AdaState, batchIdx: number, opts: AdaOptions): AdaState {
  if (batchIdx % opts.interval !== 0 || state.signCount === 0) return state;
  const rt = state.signSum / state.signCount;
  const adjust = (Math.sign(rt - opts.target) * (opts.batch * opts.interval)) / (opts.adaKimg * 1000);
  return { p: Math.max(state.p + adjust, 0), signSum: 0, signCount: 0, rt };
}
