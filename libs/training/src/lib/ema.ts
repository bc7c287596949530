/** EMA decay per minibatch, NVlabs training_loop.py: half-life ema_kimg, ramped up over the first images. */
export function emaBeta(batch: number, emaKimg: number, emaRampup: number | null, curNimg: number): number {
  let emaNimg = emaKimg * 1000;
  if (emaRampup !== null) emaNimg = Math.min(emaNimg, curNimg * emaRampup);
  return 0.5 ** (batch / Math.max(emaNimg, 1e-8));
}
