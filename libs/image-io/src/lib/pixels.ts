// Byte pixels ↔ the [-1, 1] floats of GAN networks: `img / 127.5 - 1` on the way in (NVlabs' dataset
// loading), `x · 127.5 + 128` rounded and clipped on the way out (NVlabs' generate.py adds 128 and
// truncates; this project has always rounded, so its grids and FID inputs stay as they were).

/** Bytes → [-1, 1] written into `out` from `offset` (no allocation in the training loader). */
export function bytesToSignedInto(bytes: ArrayLike<number>, out: Float32Array, offset = 0): void {
  for (let i = 0; i < bytes.length; i++) out[offset + i] = bytes[i] / 127.5 - 1;
}

/** Bytes → [-1, 1]. */
export function bytesToSigned(bytes: ArrayLike<number>): Float32Array {
  const out = new Float32Array(bytes.length);
  bytesToSignedInto(bytes, out);
  return out;
}

/** One [-1, 1] value → a byte, rounded and clipped. */
export const signedToByte = (x: number): number => Math.max(0, Math.min(255, Math.round(x * 127.5 + 128)));

/** [-1, 1] floats → bytes, rounded and clipped. */
export function signedToBytes(values: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = signedToByte(values[i]);
  return out;
}
