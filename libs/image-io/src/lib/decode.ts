import { open } from 'node:fs/promises';
import sharp from 'sharp';
import { SNIFF_BYTES, sniffFormat } from './sniff';

/** Decoded pixels, interleaved, 8 bits per channel, sRGB. */
export interface RawImage {
  data: Uint8Array;
  width: number;
  height: number;
  channels: 1 | 3;
}

export interface DecodeOptions {
  /** 3 = RGB (default), 1 = gray (sharp's luminance of the sRGB image). */
  channels?: 1 | 3;
  /** Refuse images with more pixels than this (decompression bombs). Default 100 MP. */
  maxPixels?: number;
  /** Ignore an embedded ICC profile, as OpenCV's imread and PIL do (BRISQUE must equal OpenCV's). */
  ignoreIcc?: boolean;
  /** `flatten` on white (default) or `drop` the alpha channel (what OpenCV's imread does). */
  alpha?: 'flatten' | 'drop';
}

export const DEFAULT_MAX_PIXELS = 100_000_000;

/** `not_a_photo`: a vector drawing or document, refused without rendering it. */
export type DecodeProblem = 'decode_error' | 'not_a_photo';

/** A photo that could not be decoded; `reason` is meant for people. */
export class ImageDecodeError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
    options?: { cause?: unknown },
    readonly problem: DecodeProblem = 'decode_error',
  ) {
    super(`${path}: ${reason}`, options);
    this.name = 'ImageDecodeError';
  }
}

async function headOf(input: string | Buffer): Promise<Uint8Array> {
  if (typeof input !== 'string') return input.subarray(0, SNIFF_BYTES);
  const file = await open(input, 'r');
  try {
    const head = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await file.read(head, 0, SNIFF_BYTES, 0);
    return head.subarray(0, bytesRead);
  } finally {
    await file.close();
  }
}

/**
 * Refuses, before any decoder runs, what is not a raster photo: vector drawings and documents are
 * `not_a_photo` (never rendered), bytes of no known image format a `decode_error`.
 */
export async function checkIsPhoto(input: string | Buffer, label: string): Promise<void> {
  let head: Uint8Array;
  try {
    head = await headOf(input);
  } catch (err) {
    throw new ImageDecodeError(label, humanReason(err, DEFAULT_MAX_PIXELS), { cause: err });
  }
  if (head.length === 0) throw new ImageDecodeError(label, 'file is empty (0 bytes)');
  const sniffed = sniffFormat(head);
  if (sniffed.kind === 'not_a_photo') {
    throw new ImageDecodeError(
      label,
      `${sniffed.format}, not a photo (refused without rendering it; export it as JPEG/PNG if it really is one)`,
      undefined,
      'not_a_photo',
    );
  }
  if (sniffed.kind === 'unknown') {
    throw new ImageDecodeError(
      label,
      'not an image sharp can read (no JPEG, PNG, WebP, GIF, TIFF, HEIF/AVIF or JPEG XL signature)',
    );
  }
}

/**
 * Decodes any photo sharp reads (first frame of animations), applies EXIF orientation,
 * converts CMYK/gray/16-bit/alpha to 8-bit sRGB (alpha flattened on white) or gray.
 */
export async function decodeImage(
  input: string | Buffer,
  options: DecodeOptions = {},
  label = typeof input === 'string' ? input : '<buffer>',
): Promise<RawImage> {
  const channels = options.channels ?? 3;
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  await checkIsPhoto(input, label);
  try {
    let pipeline = sharp(input, {
      limitInputPixels: maxPixels,
      failOn: 'error',
      pages: 1,
      ignoreIcc: options.ignoreIcc ?? false,
    }).rotate();
    if (options.alpha !== 'drop') pipeline = pipeline.flatten({ background: '#ffffff' });
    pipeline = pipeline.toColourspace(channels === 1 ? 'b-w' : 'srgb');
    pipeline = channels === 1 ? pipeline.extractChannel(0) : pipeline.removeAlpha();
    const { data, info } = await pipeline.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
    if (info.channels !== channels) {
      throw new Error(`expected ${channels} channels after conversion, got ${info.channels}`);
    }
    return {
      data: new Uint8Array(data.buffer, data.byteOffset, data.length),
      width: info.width,
      height: info.height,
      channels,
    };
  } catch (err) {
    throw new ImageDecodeError(label, humanReason(err, maxPixels), {
      cause: err,
    });
  }
}

function humanReason(err: unknown, maxPixels: number): string {
  const message = err instanceof Error ? err.message : String(err);
  if (/pixel limit/i.test(message)) {
    return `image has more than ${maxPixels.toLocaleString('en')} pixels (decompression-bomb guard); raise maxPixels if it is genuine`;
  }
  if (/unsupported image format/i.test(message))
    return 'not an image sharp can read (unsupported or not an image file)';
  if (/premature end|truncated|VipsJpeg|corrupt/i.test(message))
    return `truncated or corrupt image data (${message.split('\n')[0]})`;
  if (/ENOENT|Input file is missing/.test(message)) return 'file does not exist';
  if (/EACCES/.test(message)) return 'file is not readable (permission denied)';
  if (/empty/i.test(message)) return 'file is empty (0 bytes)';
  return message.split('\n')[0];
}
