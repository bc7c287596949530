import sharp from 'sharp';
import { checkIsPhoto, decodeImage, DEFAULT_MAX_PIXELS, ImageDecodeError, type RawImage } from './decode';

/** A rectangle in the photo as shown (EXIF orientation applied), whole pixels. */
export interface Region {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** A reduced decode and the factor from its pixels to the photo's (photo = reduced × toPhoto). */
export interface ReducedView {
  image: RawImage;
  toPhoto: number;
}

/**
 * One photo, decoded at the scale each stage needs, never wholly into JS memory unless a stage asks
 * for `openCvView`. `reduced` decodes with sharp's shrink-on-load (JPEG DCT scaling), `region` has
 * libvips extract just that rectangle; both are colour-managed. The full-resolution `openCvView`
 * (what `cv2.imread` returns: ICC profile ignored, alpha dropped) is decoded on demand and, while it
 * is held and the photo has neither an ICC profile nor alpha (then its pixels are the colour-managed
 * ones), regions and a photo smaller than `maxSide` are cut from it instead of decoded again.
 */
export interface Photo {
  readonly width: number;
  readonly height: number;
  /** Whether the OpenCV view's pixels are the colour-managed ones (no ICC profile, no alpha). */
  readonly sharesOpenCvPixels: boolean;
  openCvView(): Promise<RawImage>;
  /**
   * Colour-managed, longer side ≤ maxSide (the photo itself when it is smaller). `fastShrinkOnLoad`
   * (default true) lets the JPEG decoder do all the reduction it can; false leaves a larger part to
   * the Lanczos filter (finer, for crops that are kept).
   */
  reduced(maxSide: number, options?: { fastShrinkOnLoad?: boolean }): Promise<ReducedView>;
  /** Colour-managed full-resolution pixels of `region` (clipped to the photo). */
  region(region: Region): Promise<RawImage>;
  /** Drops the full-resolution pixels (memory is bounded by the stage that needs them). */
  release(): void;
}

export interface OpenPhotoOptions {
  maxPixels?: number;
}

/** Crops interleaved pixels (a copy). */
export function cropRaw(image: RawImage, region: Region): RawImage {
  const { left, top, width, height } = clipRegion(region, image);
  const c = image.channels;
  const data = new Uint8Array(width * height * c);
  for (let y = 0; y < height; y++) {
    const from = ((top + y) * image.width + left) * c;
    data.set(image.data.subarray(from, from + width * c), y * width * c);
  }
  return { data, width, height, channels: c };
}

export function clipRegion(region: Region, size: { width: number; height: number }): Region {
  const left = Math.max(0, Math.min(size.width - 1, Math.floor(region.left)));
  const top = Math.max(0, Math.min(size.height - 1, Math.floor(region.top)));
  const right = Math.max(left + 1, Math.min(size.width, Math.ceil(region.left + region.width)));
  const bottom = Math.max(top + 1, Math.min(size.height, Math.ceil(region.top + region.height)));
  return { left, top, width: right - left, height: bottom - top };
}

function reducedSize(width: number, height: number, maxSide: number) {
  const scale = Math.min(1, maxSide / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

async function toRaw(pipeline: sharp.Sharp): Promise<RawImage> {
  const { data, info } = await pipeline.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  return {
    data: new Uint8Array(data.buffer, data.byteOffset, data.length),
    width: info.width,
    height: info.height,
    channels: 3,
  };
}

/** Opens a photo from its bytes: sniffs the format (vector/document files are `not_a_photo`) and reads the header. */
export async function openPhoto(
  buffer: Buffer,
  label: string,
  options: OpenPhotoOptions = {},
): Promise<Photo> {
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  await checkIsPhoto(buffer, label);
  const input = { limitInputPixels: maxPixels, failOn: 'error' as const, pages: 1 };
  let meta: sharp.Metadata;
  try {
    meta = await sharp(buffer, input).metadata();
  } catch (err) {
    // decodeImage words the error (truncated, pixel limit, …) the same way for every path.
    await decodeImage(buffer, { maxPixels }, label);
    throw new ImageDecodeError(label, err instanceof Error ? err.message : String(err), { cause: err });
  }
  const turned = (meta.orientation ?? 1) >= 5 && (meta.orientation ?? 1) <= 8;
  const width = (turned ? meta.height : meta.width) ?? 0;
  const height = (turned ? meta.width : meta.height) ?? 0;
  const sharesOpenCvPixels = !meta.icc && !meta.hasAlpha;
  let full: Promise<RawImage> | null = null;

  const openCvView = () =>
    (full ??= decodeImage(buffer, { ignoreIcc: true, alpha: 'drop', maxPixels }, label));
  const managed = () =>
    sharp(buffer, input).rotate().flatten({ background: '#ffffff' }).toColourspace('srgb').removeAlpha();
  const decoded = <T>(work: () => Promise<T>) =>
    work().catch((err: unknown) => {
      throw err instanceof ImageDecodeError
        ? err
        : new ImageDecodeError(label, err instanceof Error ? err.message : String(err), { cause: err });
    });

  const held = () => (sharesOpenCvPixels ? full : null);

  return {
    width,
    height,
    sharesOpenCvPixels,
    openCvView,
    reduced: (maxSide, { fastShrinkOnLoad = true } = {}) =>
      decoded(async () => {
        if (Math.max(width, height) <= maxSide) {
          const image = await (held() ?? decodeImage(buffer, { maxPixels }, label));
          return { image, toPhoto: 1 };
        }
        const size = reducedSize(width, height, maxSide);
        const image = await toRaw(
          managed().resize(size.width, size.height, { fit: 'fill', fastShrinkOnLoad }),
        );
        return { image, toPhoto: width / image.width };
      }),
    region: (region) =>
      decoded(async () => {
        const clipped = clipRegion(region, { width, height });
        const cached = held();
        return cached ? cropRaw(await cached, clipped) : toRaw(managed().extract(clipped));
      }),
    release: () => {
      full = null;
    },
  };
}
