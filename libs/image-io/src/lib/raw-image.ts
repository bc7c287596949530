import sharp from 'sharp';
import type { RawImage } from './decode';

/** A sharp pipeline over decoded pixels, for resizing/encoding without a second decode. */
export function rawToSharp(image: RawImage): sharp.Sharp {
  const pipeline = sharp(image.data, {
    raw: { width: image.width, height: image.height, channels: image.channels },
  });
  // sharp would otherwise widen 1-channel raw input to sRGB on output.
  return image.channels === 1 ? pipeline.toColourspace('b-w') : pipeline;
}

/** Runs a sharp pipeline to 8-bit interleaved pixels. */
export async function sharpToRaw(pipeline: sharp.Sharp): Promise<RawImage> {
  const { data, info } = await pipeline.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  if (info.channels !== 1 && info.channels !== 3) {
    throw new Error(`expected 1 or 3 channels, got ${info.channels}`);
  }
  return {
    data: new Uint8Array(data.buffer, data.byteOffset, data.length),
    width: info.width,
    height: info.height,
    channels: info.channels,
  };
}

/** ITU-R BT.601 luma, rounded, as most tools' RGB→gray does. */
export function toGray(image: RawImage): RawImage {
  if (image.channels === 1) return image;
  const n = image.width * image.height;
  const gray = new Uint8Array(n);
  const src = image.data;
  for (let i = 0, j = 0; i < n; i++, j += 3) {
    gray[i] = Math.round(0.299 * src[j] + 0.587 * src[j + 1] + 0.114 * src[j + 2]);
  }
  return { data: gray, width: image.width, height: image.height, channels: 1 };
}

export function encodePng(image: RawImage): Promise<Buffer> {
  return rawToSharp(image).png().toBuffer();
}

export function encodeJpeg(image: RawImage, quality = 92): Promise<Buffer> {
  return rawToSharp(image).jpeg({ quality }).toBuffer();
}
