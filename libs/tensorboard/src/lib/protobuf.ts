/**
 * The few protobuf wire-format pieces an Event needs (varint, 64-bit, length-delimited, 32-bit).
 * Hand-written instead of a protobuf library: three messages and five fields.
 */
export const WIRE = { varint: 0, fixed64: 1, bytes: 2, fixed32: 5 } as const;

export class ProtoWriter {
  private readonly parts: Uint8Array[] = [];

  private varint(value: number): void {
    const out: number[] = [];
    let v = value;
    while (v >= 0x80) {
      out.push(v % 0x80 | 0x80);
      v = Math.floor(v / 0x80);
    }
    out.push(v);
    this.parts.push(Uint8Array.from(out));
  }

  private key(field: number, wire: number): void {
    this.varint(field * 8 + wire);
  }

  double(field: number, value: number): this {
    this.key(field, WIRE.fixed64);
    const b = new Uint8Array(8);
    new DataView(b.buffer).setFloat64(0, value, true);
    this.parts.push(b);
    return this;
  }

  float(field: number, value: number): this {
    this.key(field, WIRE.fixed32);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, value, true);
    this.parts.push(b);
    return this;
  }

  /** Non-negative integers up to 2^53 (steps, counts). */
  uint(field: number, value: number): this {
    if (!Number.isSafeInteger(value) || value < 0) throw new Error(`protobuf: ${value} is not a uint`);
    this.key(field, WIRE.varint);
    this.varint(value);
    return this;
  }

  bytes(field: number, value: Uint8Array): this {
    this.key(field, WIRE.bytes);
    this.varint(value.length);
    this.parts.push(value);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  finish(): Uint8Array {
    return Buffer.concat(this.parts);
  }
}

/** One decoded field: numbers for varint/fixed fields (as raw bits view), bytes for length-delimited ones. */
export interface ProtoField {
  field: number;
  wire: number;
  /** varint value (exact up to 2^53). */
  int?: number;
  /** fixed64/fixed32 payload, little-endian. */
  fixed?: DataView;
  bytes?: Uint8Array;
}

export function decodeFields(buf: Uint8Array, what: string): ProtoField[] {
  const fields: ProtoField[] = [];
  let pos = 0;
  const varint = (): number => {
    let result = 0;
    let scale = 1;
    for (;;) {
      if (pos >= buf.length) throw new Error(`${what}: truncated varint`);
      const b = buf[pos++];
      result += (b & 0x7f) * scale;
      if (b < 0x80) return result;
      scale *= 0x80;
    }
  };
  const view = (n: number): DataView => {
    if (pos + n > buf.length) throw new Error(`${what}: truncated ${n}-byte field`);
    const v = new DataView(buf.buffer, buf.byteOffset + pos, n);
    pos += n;
    return v;
  };
  while (pos < buf.length) {
    const key = varint();
    const field = Math.floor(key / 8);
    const wire = key % 8;
    if (wire === WIRE.varint) fields.push({ field, wire, int: varint() });
    else if (wire === WIRE.fixed64) fields.push({ field, wire, fixed: view(8) });
    else if (wire === WIRE.fixed32) fields.push({ field, wire, fixed: view(4) });
    else if (wire === WIRE.bytes) {
      const len = varint();
      const v = view(len);
      fields.push({ field, wire, bytes: new Uint8Array(v.buffer, v.byteOffset, len) });
    } else throw new Error(`${what}: unsupported wire type ${wire} (field ${field})`);
  }
  return fields;
}
