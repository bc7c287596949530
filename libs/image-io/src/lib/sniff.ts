/**
 * What a file is, from its first bytes, before any decoder sees it. Only raster photo formats go on
 * to sharp: libvips would otherwise rasterise SVG with librsvg (which resolves `file://` hrefs, so
 * an SVG can pull in any file on the machine) and PDF/PostScript with a document renderer.
 */
export type SniffedFormat =
  | { kind: 'raster'; format: RasterFormat }
  | { kind: 'not_a_photo'; format: string }
  | { kind: 'unknown' };

export type RasterFormat = 'jpeg' | 'png' | 'gif' | 'webp' | 'tiff' | 'heif' | 'jxl' | 'jp2' | 'bmp';

/** ISO-BMFF brands of HEIF/AVIF still images and sequences. */
const HEIF_BRANDS = new Set(['avif', 'avis', 'heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'mif1', 'msf1']);

const startsWith = (bytes: Uint8Array, signature: readonly number[], at = 0) =>
  bytes.length >= at + signature.length && signature.every((b, i) => bytes[at + i] === b);
const ascii = (bytes: Uint8Array, from: number, to: number) =>
  String.fromCharCode(...bytes.subarray(from, Math.min(to, bytes.length)));

function sniffRaster(bytes: Uint8Array): RasterFormat | null {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  const head = ascii(bytes, 0, 12);
  if (head.startsWith('GIF87a') || head.startsWith('GIF89a')) return 'gif';
  if (head.startsWith('RIFF') && head.slice(8, 12) === 'WEBP') return 'webp';
  if (/^(II[*+]\0|MM\0[*+])/.test(head)) return 'tiff';
  if (head.slice(4, 8) === 'ftyp' && HEIF_BRANDS.has(head.slice(8, 12))) return 'heif';
  if (startsWith(bytes, [0xff, 0x0a]) || (head.slice(4, 8) === 'JXL ' && bytes[3] === 0x0c)) return 'jxl';
  if (head.slice(4, 8) === 'jP  ' || startsWith(bytes, [0xff, 0x4f, 0xff, 0x51])) return 'jp2';
  if (head.startsWith('BM')) return 'bmp';
  return null;
}

function sniffDocument(bytes: Uint8Array): string | null {
  if (ascii(bytes, 0, 5) === '%PDF-') return 'PDF document';
  if (ascii(bytes, 0, 2) === '%!' || startsWith(bytes, [0xc5, 0xd0, 0xd3, 0xc6]))
    return 'PostScript/EPS document';
  if (startsWith(bytes, [0x1f, 0x8b])) return 'gzip-compressed data (e.g. SVGZ)';
  if (startsWith(bytes, [0xd7, 0xcd, 0xc6, 0x9a]) || ascii(bytes, 40, 44) === ' EMF')
    return 'Windows metafile (WMF/EMF)';
  // Text markup: skip a UTF-8 BOM and leading white space, then look for an SVG root in the first 4 KB.
  let i = startsWith(bytes, [0xef, 0xbb, 0xbf]) ? 3 : 0;
  while (
    i < bytes.length &&
    (bytes[i] === 0x20 || bytes[i] === 0x09 || bytes[i] === 0x0a || bytes[i] === 0x0d)
  )
    i++;
  if (bytes[i] === 0x3c /* < */) {
    const text = ascii(bytes, i, i + 4096).toLowerCase();
    if (text.includes('<svg')) return 'SVG vector drawing';
    return 'XML/HTML document';
  }
  return null;
}

export function sniffFormat(bytes: Uint8Array): SniffedFormat {
  const raster = sniffRaster(bytes);
  if (raster) return { kind: 'raster', format: raster };
  const document = sniffDocument(bytes);
  if (document) return { kind: 'not_a_photo', format: document };
  return { kind: 'unknown' };
}

/** Bytes sniffFormat needs to decide (the SVG search window plus the markup's leading space). */
export const SNIFF_BYTES = 8192;
