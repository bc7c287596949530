import type { RawImage } from '@portrait-forge/image-io';

/** Interleaved RGB floats 0..255 (gray replicated), the input face-api expects. */
export function rgbFloats(image: RawImage): Float32Array {
  const n = image.width * image.height;
  const out = new Float32Array(n * 3);
  if (image.channels === 3) {
    for (let i = 0; i < n * 3; i++) out[i] = image.data[i];
  } else {
    for (let i = 0, j = 0; i < n; i++, j += 3) out[j] = out[j + 1] = out[j + 2] = image.data[i];
  }
  return out;
}
