import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic, type WriteHook } from '@portrait-forge/files';
import { CHECKPOINT_RE } from '@portrait-forge/run-format';

/** One tensor as stored: shape, dtype and raw little-endian data. */
export interface StoredTensor {
  shape: number[];
  dtype: 'float32' | 'int32';
  data: Float32Array | Int32Array;
}
export type TensorMap = Record<string, StoredTensor>;

/** Everything needed to continue a run exactly. Tensor groups are e.g. G, D, G_ema, opt/G, opt/D. */
export interface Checkpoint {
  meta: Record<string, unknown>;
  groups: Record<string, TensorMap>;
}

const MAGIC = 'PFCKPT01';

/**
 * Layout: MAGIC | uint32 header length | JSON header | tensor blobs (8-byte aligned). The header lists
 * each tensor's group, name, shape, dtype, offset and byte length, plus `meta`.
 */
export function encodeCheckpoint(ckpt: Checkpoint): Buffer[] {
  const entries: Array<{
    group: string;
    name: string;
    shape: number[];
    dtype: string;
    offset: number;
    bytes: number;
  }> = [];
  const blobs: Buffer[] = [];
  let offset = 0;
  for (const [group, tensors] of Object.entries(ckpt.groups)) {
    for (const [name, t] of Object.entries(tensors)) {
      const bytes = t.data.byteLength;
      entries.push({ group, name, shape: t.shape, dtype: t.dtype, offset, bytes });
      blobs.push(Buffer.from(t.data.buffer, t.data.byteOffset, bytes));
      const pad = (8 - (bytes % 8)) % 8;
      if (pad) blobs.push(Buffer.alloc(pad));
      offset += bytes + pad;
    }
  }
  const header = Buffer.from(JSON.stringify({ meta: ckpt.meta, tensors: entries }), 'utf8');
  const pre = Buffer.alloc(12);
  pre.write(MAGIC, 0, 'latin1');
  pre.writeUInt32LE(header.length, 8);
  const headPad = Buffer.alloc((8 - ((12 + header.length) % 8)) % 8);
  return [pre, header, headPad, ...blobs];
}

export function decodeCheckpoint(buf: Buffer, label = 'checkpoint'): Checkpoint {
  if (buf.length < 12 || buf.toString('latin1', 0, 8) !== MAGIC) {
    throw new Error(
      `${label} is not a portrait-forge checkpoint (bad magic); pass a network-snapshot-*.ckpt file`,
    );
  }
  const headerLen = buf.readUInt32LE(8);
  const header = JSON.parse(buf.toString('utf8', 12, 12 + headerLen)) as {
    meta: Record<string, unknown>;
    tensors: Array<{
      group: string;
      name: string;
      shape: number[];
      dtype: 'float32' | 'int32';
      offset: number;
      bytes: number;
    }>;
  };
  const dataStart = 12 + headerLen + ((8 - ((12 + headerLen) % 8)) % 8);
  const groups: Record<string, TensorMap> = {};
  for (const e of header.tensors) {
    const start = dataStart + e.offset;
    if (start + e.bytes > buf.length)
      throw new Error(`${label} is truncated (tensor ${e.group}/${e.name}); use an earlier checkpoint`);
    const copy = new Uint8Array(e.bytes);
    copy.set(buf.subarray(start, start + e.bytes));
    const data = e.dtype === 'int32' ? new Int32Array(copy.buffer) : new Float32Array(copy.buffer);
    (groups[e.group] ??= {})[e.name] = { shape: e.shape, dtype: e.dtype, data };
  }
  return { meta: header.meta, groups };
}

/** Checkpoints in a run dir, newest (highest nimg) first. */
export function listCheckpoints(runDir: string): string[] {
  return readdirSync(runDir)
    .filter((f) => CHECKPOINT_RE.test(f))
    .sort((a, b) => Number(CHECKPOINT_RE.exec(b)?.[1]) - Number(CHECKPOINT_RE.exec(a)?.[1]))
    .map((f) => join(runDir, f));
}

export function saveCheckpoint(file: string, ckpt: Checkpoint, hook?: WriteHook): void {
  writeFileAtomic(file, encodeCheckpoint(ckpt), { hook });
}

export function loadCheckpoint(file: string): Checkpoint {
  return decodeCheckpoint(readFileSync(file), file);
}
