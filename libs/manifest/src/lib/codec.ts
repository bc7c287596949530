/** How columns that are not plain numbers or text are stored. */

export function landmarksBlob(points: number[]): Buffer {
  const floats = Float32Array.from(points);
  return Buffer.from(floats.buffer, floats.byteOffset, floats.byteLength);
}

/** Copies (SQLite buffers are not 4-byte aligned) into a Float32Array. */
export function landmarksArray(blob: Buffer): Float32Array {
  const floats = new Float32Array(blob.byteLength / 4);
  new Uint8Array(floats.buffer).set(blob);
  return floats;
}

export const splitReasons = (joined: string): string[] => (joined ? joined.split(';') : []);
