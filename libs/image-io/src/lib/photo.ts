import sharp from 'sharp';
import { rawToSharp } from './raw-image';
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

/** Pixels of part of a reduced view: `region` is where they sit in it (reduced pixels). */
export interface ShrunkRegion extends ReducedView {
  region: Region;
}

/**
 * One photo, decoded at the scale each stage needs, never wholly into JS memory unless a stage asks
 * for `openCvView`. `reduced` decodes with sharp's shrink-on-load (JPEG DCT scaling), `region` has
 * libvips extract just that rectangle; both are colour-managed. The full-resolution `openCvView`
 * (what `cv2.imread` returns: ICC profile ignored, alpha dropped) is decoded on demand and, while it
 * is held and the photo has neither an ICC profile nor alpha (then its pixels are the colour-managed
 * ones), regions and a photo smaller than `maxSide` are cut from it instead of decoded again; so are
 * regions once `reduced` has decoded the whole photo (no larger than its maxSide).
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
  /**
   * The pixels of `reduced(maxSide, { fastShrinkOnLoad: false })` that `region` (photo pixels, rounded
   * outwards, clipped) covers, equal to cropping that view, without holding the whole reduced photo:
   * libvips resizes only the tiles the region needs (on a 12 MP JPEG the rows below it are not even
   * decoded).
   */
  shrunkRegion(maxSide: number, region: Region): Promise<ShrunkRegion>;
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

/** Where an upright rectangle lies in the stored (EXIF-unoriented) frame of size `stored`. */
function storedRegion(
  upright: Region,
  stored: { width: number; height: number },
  orientation: number,
): Region {
  const { left: l, top: t, width: w, height: h } = upright;
  const { width: sw, height: sh } = stored;
  switch (orientation) {
    case 2:
      return { left: sw - l - w, top: t, width: w, height: h };
    case 3:
      return { left: sw - l - w, top: sh - t - h, width: w, height: h };
    case 4:
      return { left: l, top: sh - t - h, width: w, height: h };
    case 5:
      return { left: t, top: l, width: h, height: w };
    case 6:
      return { left: t, top: sh - l - w, width: h, height: w };
    case 7:
      return { left: sw - t - h, top: sh - l - w, width: h, height: w };
    case 8:
      return { left: sw - t - h, top: l, width: h, height: w };
    default:
      return upright;
  }
}

/** Turns stored-frame pixels upright as EXIF `orientation` says (sharp mirrors before it rotates). */
function orient(pipeline: sharp.Sharp, orientation: number): sharp.Sharp {
  switch (orientation) {
    case 2:
      return pipeline.flop();
    case 3:
      return pipeline.rotate(180);
    case 4:
      return pipeline.flip();
    case 5:
      return pipeline.flip().rotate(90);
    case 6:
      return pipeline.rotate(90);
    case 7:
      return pipeline.flop().rotate(90);
    case 8:
      return pipeline.rotate(270);
    default:
      return pipeline;
  }
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
  const orientation = meta.orientation ?? 1;
  const turned = orientation >= 5 && orientation <= 8;
  const width = (turned ? meta.height : meta.width) ?? 0;
  const height = (turned ? meta.width : meta.height) ?? 0;
  const sharesOpenCvPixels = !meta.icc && !meta.hasAlpha;
  let full: Promise<RawImage> | null = null;

  const openCvView = () =>
    (full ??= decodeImage(buffer, { ignoreIcc: true, alpha: 'drop', maxPixels }, label));
  const unturned = () =>
    sharp(buffer, input).flatten({ background: '#ffffff' }).toColourspace('srgb').removeAlpha();
  const managed = () => unturned().rotate();
  const decoded = <T>(work: () => Promise<T>) =>
    work().catch((err: unknown) => {
      throw err instanceof ImageDecodeError
        ? err
        : new ImageDecodeError(label, err instanceof Error ? err.message : String(err), { cause: err });
    });

  // The whole photo decoded colour-managed at full resolution, when `reduced` had to (a photo no larger
  // than its maxSide): the same libvips steps as `region`'s extract, so regions are cut from it.
  let whole: Promise<RawImage> | null = null;
  const held = () => whole ?? (sharesOpenCvPixels ? full : null);

  const photo: Photo = {
    width,
    height,
    sharesOpenCvPixels,
    openCvView,
    reduced: (maxSide, { fastShrinkOnLoad = true } = {}) =>
      decoded(async () => {
        if (Math.max(width, height) <= maxSide) {
          whole ??= held() ?? decodeImage(buffer, { maxPixels }, label);
          return { image: await whole, toPhoto: 1 };
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
    shrunkRegion: (maxSide, region) =>
      decoded(async () => {
        if (Math.max(width, height) <= maxSide) {
          const clipped = clipRegion(region, { width, height });
          return { image: await photo.region(clipped), toPhoto: 1, region: clipped };
        }
        const size = reducedSize(width, height, maxSide);
        const toPhoto = width / size.width;
        const left = Math.floor(region.left / toPhoto);
        const top = Math.floor(region.top / toPhoto);
        const inReduced = clipRegion(
          {
            left,
            top,
            width: Math.ceil((region.left + region.width) / toPhoto) - left,
            height: Math.ceil((region.top + region.height) / toPhoto) - top,
          },
          size,
        );
        // With auto-orientation and an extract after the resize, sharp turns the photo at full
        // resolution first (other pixels than reduced()'s); resizing and extracting in the stored
        // frame, then turning the small region, gives reduced()'s pixels exactly (photo.spec.ts).
        const stored = turned ? { width: size.height, height: size.width } : size;
        const storedPixels = await toRaw(
          unturned()
            .resize(stored.width, stored.height, { fit: 'fill', fastShrinkOnLoad: false })
            .extract(storedRegion(inReduced, stored, orientation)),
        );
        const image =
          orientation === 1 ? storedPixels : await toRaw(orient(rawToSharp(storedPixels), orientation));
        return { image, toPhoto, region: inReduced };
      }),
    release: () => {
      full = null;
      whole = null;
    },
  };
  return photo;
}
