import { maskedCrc32c } from './crc32c';

/** One TFRecord: uint64 length, masked CRC32C of the length bytes, data, masked CRC32C of the data. */
export function frameRecord(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length + 4);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(data.length), true);
  view.setUint32(8, maskedCrc32c(out.subarray(0, 8)), true);
  out.set(data, 12);
  view.setUint32(12 + data.length, maskedCrc32c(data), true);
  return out;
}

/** Splits a TFRecord file into its records, checking both CRCs of each; `source` names the file in errors. */
export function readRecords(buf: Uint8Array, source: string): Uint8Array[] {
  const records: Uint8Array[] = [];
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let pos = 0;
  while (pos < buf.length) {
    if (pos + 12 > buf.length) throw new Error(`${source}: truncated record header at byte ${pos}`);
    const length = Number(view.getBigUint64(pos, true));
    if (view.getUint32(pos + 8, true) !== maskedCrc32c(buf.subarray(pos, pos + 8)))
      throw new Error(`${source}: length CRC mismatch at byte ${pos} (corrupt file or not TFRecord)`);
    const start = pos + 12;
    const end = start + length;
    if (end + 4 > buf.length)
      throw new Error(`${source}: record at byte ${pos} runs past the end (truncated)`);
    const data = buf.subarray(start, end);
    if (view.getUint32(end, true) !== maskedCrc32c(data))
      throw new Error(`${source}: data CRC mismatch in record at byte ${pos}`);
    records.push(data);
    pos = end + 4;
  }
  return records;
}
