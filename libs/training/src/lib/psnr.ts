/**
 * Peak signal-to-noise ratio in dB of two images of equal size with pixels in the networks' [-1, 1]
 * (peak-to-peak 2). Values outside [-1, 1] count as the edge, as the saved 8-bit image shows them.
 * Identical images give Infinity.
 */
export function psnr(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new Error(`psnr: ${a.length} pixels vs ${b.length}`);
  if (a.length === 0) throw new Error('psnr: empty images');
  const clamp = (v: number): number => Math.min(1, Math.max(-1, v));
  let squaredError = 0;
  for (let i = 0; i < a.length; i++) squaredError += (clamp(a[i]) - clamp(b[i])) ** 2;
  return 10 * Math.log10(4 / (squaredError / a.length));
}
