import { readFile, writeFile } from 'node:fs/promises';
import { featureMatrix, type FeatureMatrix } from './matrix';

/*
 * Minimal .npy (NumPy format 1.0/2.0/3.0) reader and writer for N × D float feature matrices.
 * The npm packages seen (npyjs etc.) target browsers/fetch and cover less of the header
 * grammar we need to validate, so this ~80-line codec lives here.
 */

const MAGIC = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]); // \x93NUMPY

export type NpyDtype = 'float32' | 'float64';

export function parseNpy(bytes: Uint8Array, label = '<buffer>'): FeatureMatrix {
  const { shape, data } = parseNpyArray(bytes, label);
  if (shape.length !== 2) {
    throw new Error(
      `${label}: expected a 2-d N × D array, got shape (${shape.join(', ')}); reshape to (N, D)`,
    );
  }
  return featureMatrix(shape[0], shape[1], data);
}

/** Any-shape .npy (C order, little-endian float32/float64). */
export function parseNpyArray(
  bytes: Uint8Array,
  label = '<buffer>',
): { shape: number[]; data: Float32Array | Float64Array } {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < 10 || !buf.subarray(0, 6).equals(MAGIC)) {
    throw new Error(`${label}: not a .npy file (missing \\x93NUMPY magic); save features with numpy.save`);
  }
  const major = buf[6];
  const headerLenSize = major === 1 ? 2 : 4;
  if (major < 1 || major > 3) throw new Error(`${label}: unsupported .npy version ${major}.${buf[7]}`);
  const headerLen = headerLenSize === 2 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const dataStart = 8 + headerLenSize + headerLen;
  const header = buf.subarray(8 + headerLenSize, dataStart).toString(major === 3 ? 'utf8' : 'latin1');
  const descr = /'descr'\s*:\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!descr || !fortran || shapeText === undefined)
    throw new Error(`${label}: malformed .npy header: ${header}`);
  const dtype = dtypeOf(descr, label);
  if (fortran === 'True') {
    throw new Error(`${label}: Fortran-ordered arrays are not supported; save np.ascontiguousarray(x)`);
  }
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map(Number);
  const width = dtype === 'float32' ? 4 : 8;
  const expected = shape.reduce((a, b) => a * b, 1) * width;
  if (buf.length - dataStart < expected) {
    throw new Error(
      `${label}: truncated: shape (${shape.join(', ')}) needs ${expected} data bytes, file has ${buf.length - dataStart}`,
    );
  }
  const raw = buf.subarray(dataStart, dataStart + expected);
  const copy = new Uint8Array(raw); // aligned copy for the typed-array view
  const data = dtype === 'float32' ? new Float32Array(copy.buffer) : new Float64Array(copy.buffer);
  return { shape, data };
}

function dtypeOf(descr: string, label: string): NpyDtype {
  if (descr === '<f4' || descr === '|f4') return 'float32';
  if (descr === '<f8' || descr === '|f8') return 'float64';
  throw new Error(
    `${label}: dtype '${descr}' is not supported; save as little-endian float32 or float64 (x.astype('<f4'))`,
  );
}

/** Serialises as .npy version 1.0, header padded so the data starts on a 64-byte boundary. */
export function formatNpy(m: FeatureMatrix, dtype: NpyDtype = 'float32'): Buffer {
  const values = dtype === 'float32' ? Float32Array.from(m.data) : Float64Array.from(m.data);
  return formatNpyArray([m.rows, m.cols], values);
}

/** An array of any shape (C order) as .npy 1.0; float32 or float64 by the array type. */
export function formatNpyArray(shape: number[], values: Float32Array | Float64Array): Buffer {
  const descr = values instanceof Float32Array ? '<f4' : '<f8';
  const dims = shape.length === 1 ? `${shape[0]},` : shape.join(', ');
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${dims}), }`;
  const unpadded = MAGIC.length + 2 + 2 + header.length + 1;
  header += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const prefix = Buffer.alloc(10);
  MAGIC.copy(prefix, 0);
  prefix[6] = 1;
  prefix[7] = 0;
  prefix.writeUInt16LE(header.length, 8);
  return Buffer.concat([
    prefix,
    Buffer.from(header, 'latin1'),
    Buffer.from(values.buffer, values.byteOffset, values.byteLength),
  ]);
}

export async function readNpy(path: string): Promise<FeatureMatrix> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw new Error(`cannot read ${path}: ${(err as Error).message}`);
  }
  return parseNpy(bytes, path);
}

export async function writeNpy(path: string, m: FeatureMatrix, dtype: NpyDtype = 'float32'): Promise<void> {
  await writeFile(path, formatNpy(m, dtype));
}
