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

/** Adds one report of Loss/signs/real: the mean sign of D(real) over `count` images. */
export function accumulateSigns(state: AdaState, signsMean: number, count: number): AdaState {
  return { ...state, signSum: state.signSum + signsMean * count, signCount: state.signCount + count };
}

/** Called after each minibatch with its index; adjusts p on every `interval`-th batch. */
export function maybeAdjust(state: AdaState, batchIdx: number, opts: AdaOptions): AdaState {
  if (batchIdx % opts.interval !== 0 || state.signCount === 0) return state;
  const rt = state.signSum / state.signCount;
  const adjust = (Math.sign(rt - opts.target) * (opts.batch * opts.interval)) / (opts.adaKimg * 1000);
  return { p: Math.max(state.p + adjust, 0), signSum: 0, signCount: 0, rt };
}
