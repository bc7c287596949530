import type sharp from 'sharp';
import { rawToSharp, sharpToRaw, type RawImage } from '@portrait-forge/image-io';
import { ffhqQuad } from './ffhq-quad';
import { describeImageProblem } from './image-check';
import type { Point, Quad } from './types';
import { cropPixels, reflectPad, softenPadding, warpQuad, type Pixels } from './warp';

export const MIN_ALIGNED_SIZE = 256;
export const MAX_ALIGNED_SIZE = 1024;

export interface AlignOptions {
  /**
   * Side of the intermediate bilinear warp before the final Lanczos downscale. Default 4 × size
   * (FFHQ: 4096 for 1024); after FFHQ's shrink step the quad is < 4 × size, so the warp never minifies.
   */
  transformSize?: number;
}

export interface AlignedFace {
  image: RawImage;
  /** The oriented crop in source-image pixels (corners top-left, bottom-left, bottom-right, top-right). */
  quad: Quad;
  /** Quad side in source pixels; size / qsize is the scale applied to the face. */
  qsize: number;
  /** Whether FFHQ's reflect-pad-and-blur was needed (the quad reached past the image edge). */
  padded: boolean;
}

type Box4 = [number, number, number, number];

/** Runs a sharp step on raw pixels. */
function sharpStep(image: RawImage, step: (pipeline: sharp.Sharp) => sharp.Sharp): Promise<RawImage> {
  return sharpToRaw(step(rawToSharp(image)));
}

const clonePoints = (quad: Quad): Quad => quad.map((p) => ({ ...p })) as Quad;
const shift = (quad: Quad, dx: number, dy: number) => quad.forEach((p) => ((p.x += dx), (p.y += dy)));

function bounds(quad: Quad): Box4 {
  const xs = quad.map((p) => p.x);
  const ys = quad.map((p) => p.y);
  return [
    Math.floor(Math.min(...xs)),
    Math.floor(Math.min(...ys)),
    Math.ceil(Math.max(...xs)),
    Math.ceil(Math.max(...ys)),
  ];
}

/**
 * FFHQ alignment (NVlabs ffhq-dataset recreate_aligned_images): oriented quad from the landmarks,
 * shrink, crop with a border, reflect-pad with blur and median fade where the quad leaves the image,
 * bilinear quad warp, Lanczos downscale to `size`. Sharp does the resizes and blur; the crop,
 * reflect padding, blending and quad warp (WebAssembly) run on the raw buffer here.
 */
export async function alignFace(
  image: RawImage,
  landmarks: readonly Point[],
  size: number,
  options: AlignOptions = {},
): Promise<AlignedFace> {
  const problem = describeImageProblem(image);
  if (problem) throw new Error(`alignFace: ${problem}`);
  if (landmarks.length !== 68) throw new Error(`alignFace needs 68 landmarks, got ${landmarks.length}`);
  if (!Number.isInteger(size) || size < MIN_ALIGNED_SIZE || size > MAX_ALIGNED_SIZE) {
    throw new Error(
      `alignFace: size must be an integer in ${MIN_ALIGNED_SIZE}..${MAX_ALIGNED_SIZE}, got ${size}`,
    );
  }
  const transformSize = options.transformSize ?? 4 * size;
  if (!Number.isInteger(transformSize) || transformSize < size) {
    throw new Error(`alignFace: transformSize must be an integer ≥ size (${size}), got ${transformSize}`);
  }
  const crop = ffhqQuad(landmarks);
  const sourceQuad = clonePoints(crop.quad);
  const quad = clonePoints(crop.quad);
  let qsize = crop.qsize;
  let img: RawImage = image;

  // Shrink.
  const shrink = Math.floor((qsize / size) * 0.5);
  if (shrink > 1) {
    const width = Math.round(img.width / shrink);
    const height = Math.round(img.height / shrink);
    img = await sharpStep(img, (p) => p.resize(width, height, { fit: 'fill', kernel: 'lanczos3' }));
    quad.forEach((p) => ((p.x /= shrink), (p.y /= shrink)));
    qsize /= shrink;
  }

  // Crop.
  const border = Math.max(Math.round(qsize * 0.1), 3);
  const [x0, y0, x1, y1] = bounds(quad);
  const cropBox: Box4 = [
    Math.max(x0 - border, 0),
    Math.max(y0 - border, 0),
    Math.min(x1 + border, img.width),
    Math.min(y1 + border, img.height),
  ];
  const cropWidth = cropBox[2] - cropBox[0];
  const cropHeight = cropBox[3] - cropBox[1];
  if (cropWidth <= 0 || cropHeight <= 0) {
    throw new Error(`alignFace: the face quad lies outside the ${image.width}×${image.height} image`);
  }
  if (cropWidth < img.width || cropHeight < img.height) {
    const region = { left: cropBox[0], top: cropBox[1], width: cropWidth, height: cropHeight };
    img = asRaw(cropPixels(img, region));
    shift(quad, -cropBox[0], -cropBox[1]);
  }

  // Pad.
  const [p0, p1, p2, p3] = bounds(quad);
  let pad: Box4 = [
    Math.max(-p0 + border, 0),
    Math.max(-p1 + border, 0),
    Math.max(p2 - img.width + border, 0),
    Math.max(p3 - img.height + border, 0),
  ];
  const padded = Math.max(...pad) > border - 4;
  let pixels: Pixels<Uint8Array> = img;
  if (padded) {
    const least = Math.round(qsize * 0.3);
    pad = pad.map((p) => Math.max(p, least)) as Box4;
    const reflected = reflectPad(img, pad);
    const sigma = qsize * 0.02;
    // sharp's blur is libvips' separable Gaussian (scipy's gaussian_filter in FFHQ); its 8-bit output
    // rounds by at most ½ level, and only the padding takes the blurred values.
    const blurred =
      sigma < 0.3
        ? reflected
        : await sharpStep(asRaw(reflected), (p) => p.blur({ sigma, minAmplitude: 0.001 }));
    // The warp reads only the quad's bounding box (+ the bilinear neighbour): soften just that part.
    const left = Math.max(p0 + pad[0] - 1, 0);
    const top = Math.max(p1 + pad[1] - 1, 0);
    const right = Math.min(p2 + pad[0] + 2, reflected.width);
    const bottom = Math.min(p3 + pad[1] + 2, reflected.height);
    const region = { left, top, width: right - left, height: bottom - top };
    softenPadding(reflected, blurred.data, pad, region);
    pixels = reflected;
    shift(quad, pad[0], pad[1]);
  }

  // Transform.
  const warped = warpQuad(pixels, quad, transformSize);
  const warpedImage = asRaw(warped);
  const out =
    transformSize === size
      ? warpedImage
      : await sharpStep(warpedImage, (p) => p.resize(size, size, { fit: 'fill', kernel: 'lanczos3' }));
  return { image: out, quad: sourceQuad, qsize: crop.qsize, padded };
}

function asRaw(pixels: Pixels<Uint8Array>): RawImage {
  return { ...pixels, channels: pixels.channels === 1 ? 1 : 3 };
}
