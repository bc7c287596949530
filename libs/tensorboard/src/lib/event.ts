import { ProtoWriter, decodeFields, type ProtoField } from './protobuf';

/** Field numbers of tensorflow/core/util/event.proto and framework/summary.proto used here. */
const EVENT = { wallTime: 1, step: 2, fileVersion: 3, summary: 5 } as const;
const SUMMARY = { value: 1 } as const;
const VALUE = { tag: 1, simpleValue: 2, tensor: 8 } as const;
/** TensorProto (framework/tensor.proto): TF2 writes scalars as 0-d tensors. */
const TENSOR = { dtype: 1, content: 4, floatVal: 5, doubleVal: 6 } as const;
const DT_FLOAT = 1;
const DT_DOUBLE = 2;

/** What TensorBoard writes as the first event of every file. */
export const FILE_VERSION = 'brain.Event:2';

export interface ScalarValue {
  tag: string;
  value: number;
}

export interface TfEvent {
  wallTime: number;
  step: number;
  fileVersion?: string;
  scalars: ScalarValue[];
  /** Event fields this reader does not decode (graph_def = 4, meta_graph_def = 9, …). */
  otherFields: number[];
}

export function encodeFileVersionEvent(wallTime: number): Uint8Array {
  return new ProtoWriter().double(EVENT.wallTime, wallTime).string(EVENT.fileVersion, FILE_VERSION).finish();
}

/** An Event with one Summary of `simple_value` scalars, as torch's SummaryWriter.add_scalar writes. */
export function encodeScalarEvent(wallTime: number, step: number, scalars: ScalarValue[]): Uint8Array {
  const summary = new ProtoWriter();
  for (const { tag, value } of scalars) {
    summary.bytes(
      SUMMARY.value,
      new ProtoWriter().string(VALUE.tag, tag).float(VALUE.simpleValue, value).finish(),
    );
  }
  return new ProtoWriter()
    .double(EVENT.wallTime, wallTime)
    .uint(EVENT.step, step)
    .bytes(EVENT.summary, summary.finish())
    .finish();
}

const text = (f: ProtoField): string => new TextDecoder().decode(f.bytes);

function tensorScalar(buf: Uint8Array, what: string): number | undefined {
  const fields = decodeFields(buf, what);
  const dtype = fields.find((f) => f.field === TENSOR.dtype)?.int;
  const content = fields.find((f) => f.field === TENSOR.content)?.bytes;
  const packed = (field: number, size: number): DataView | undefined => {
    const f = fields.find((x) => x.field === field);
    if (f?.bytes && f.bytes.length >= size) return new DataView(f.bytes.buffer, f.bytes.byteOffset, size);
    return f?.fixed;
  };
  if (dtype === DT_FLOAT) {
    const v =
      content?.length === 4
        ? new DataView(content.buffer, content.byteOffset, 4)
        : packed(TENSOR.floatVal, 4);
    return v?.getFloat32(0, true);
  }
  if (dtype === DT_DOUBLE) {
    const v =
      content?.length === 8
        ? new DataView(content.buffer, content.byteOffset, 8)
        : packed(TENSOR.doubleVal, 8);
    return v?.getFloat64(0, true);
  }
  return undefined;
}

function decodeSummary(buf: Uint8Array, what: string): ScalarValue[] {
  const scalars: ScalarValue[] = [];
  for (const v of decodeFields(buf, what).filter((f) => f.field === SUMMARY.value && f.bytes)) {
    const fields = decodeFields(v.bytes as Uint8Array, what);
    const tag = fields.find((f) => f.field === VALUE.tag);
    const simple = fields.find((f) => f.field === VALUE.simpleValue)?.fixed?.getFloat32(0, true);
    const tensor = fields.find((f) => f.field === VALUE.tensor)?.bytes;
    const value = simple ?? (tensor ? tensorScalar(tensor, what) : undefined);
    if (tag && value !== undefined) scalars.push({ tag: text(tag), value });
  }
  return scalars;
}

export function decodeEvent(buf: Uint8Array, what: string): TfEvent {
  const event: TfEvent = { wallTime: NaN, step: 0, scalars: [], otherFields: [] };
  for (const f of decodeFields(buf, what)) {
    if (f.field === EVENT.wallTime && f.fixed) event.wallTime = f.fixed.getFloat64(0, true);
    else if (f.field === EVENT.step && f.int !== undefined) event.step = f.int;
    else if (f.field === EVENT.fileVersion && f.bytes) event.fileVersion = text(f);
    else if (f.field === EVENT.summary && f.bytes) event.scalars.push(...decodeSummary(f.bytes, what));
    else event.otherFields.push(f.field);
  }
  return event;
}
