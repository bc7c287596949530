import sharp from 'sharp';
import type { RawImage } from '@portrait-forge/image-io';

/** Degraded copies used to sanity-check a feature space: FID to them must be large. */
export type ImageVariant = 'original' | 'blur' | 'invert';

export async function imageVariant(img: RawImage, variant: ImageVariant, blurSigma = 4): Promise<RawImage> {
  if (variant === 'original') return img;
  if (variant === 'invert') return { ...img, data: img.data.map((v) => 255 - v) };
  const data = await sharp(Buffer.from(img.data), {
    raw: { width: img.width, height: img.height, channels: img.channels },
  })
    .blur(blurSigma)
    .raw()
    .toBuffer();
  return { ...img, data: new Uint8Array(data) };
}
