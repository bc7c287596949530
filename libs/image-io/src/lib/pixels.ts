import type { RawImage } from './decode';

/** How float pixels map to bytes: as stored, unit range, or the GAN range NVlabs trains in. */
export type PixelRange = '0..255' | '0..1' | '-1..1';

/** One byte as a value in `range` ('-1..1' is NVlabs' `img / 127.5 - 1`). */
export function byteToRange(byte: number, range: PixelRange): number {
  return range === '-1..1' ? byte / 127.5 - 1 : range === '0..1' ? byte / 255 : byte;
}

/**
 * A value in `range` as a byte, clipped. '-1..1' is NVlabs generate.py's
 * `(x * 127.5 + 128).clamp(0, 255).to(torch.uint8)` (the +128 then truncation rounds to nearest), so
 * every byte survives byteToRange → rangeToByte unchanged.
 */
export function rangeToByte(value: number, range: PixelRange): number {
  const byte = range === '-1..1' ? value * 127.5 + 128 : range === '0..1' ? value * 255 + 0.5 : value + 0.5;
  return Math.trunc(Math.max(0, Math.min(255, byte)));
}

/** Three channels: gray replicated into R, G and B; an RGB image as it is. */
export function toRgb(image: RawImage): RawImage {
  if (image.channels === 3) return image;
  const n = image.width * image.height;
  const rgb = new Uint8Array(n * 3);
  for (let i = 0, j = 0; i < n; i++, j += 3) rgb[j] = rgb[j + 1] = rgb[j + 2] = image.data[i];
  return { data: rgb, width: image.width, height: image.height, channels: 3 };
}
