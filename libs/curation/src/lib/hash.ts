import { createHash } from 'node:crypto';
import { rawToSharp, type RawImage } from '@portrait-forge/image-io';

export function sha256(buffer: Uint8Array): string {
  return createHash('sha256').update(buffer).digest('hex');
}

/**
 * 64-bit difference hash (dHash) of an image: gray 9×8 (sharp, Lanczos), one bit per horizontal
 * neighbour comparison. Near-identical crops differ in a few bits.
 */
export async function differenceHash(image: RawImage): Promise<string> {
  const small = await rawToSharp(image).greyscale().resize(9, 8, { fit: 'fill' }).raw().toBuffer();
  let bits = 0n;
  for (let y = 0; y < 8; y++) {
    for (let x = 0; x < 8; x++) {
      bits = (bits << 1n) | (small[y * 9 + x] < small[y * 9 + x + 1] ? 1n : 0n);
    }
  }
  return bits.toString(16).padStart(16, '0');
}

/** Number of differing bits between two hex hashes of equal length. */
export function hammingDistance(a: string, b: string): number {
  let x = BigInt(`0x${a}`) ^ BigInt(`0x${b}`);
  let count = 0;
  while (x) {
    count += Number(x & 1n);
    x >>= 1n;
  }
  return count;
}
