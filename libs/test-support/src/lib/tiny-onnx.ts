import { onnx } from 'onnx-proto';

/**
 * Tiny ONNX graphs written in code, for tests and benches that need a model file with a real model's
 * interface but not its weights.
 */

export const FLOAT = onnx.TensorProto.DataType.FLOAT;

/** A float tensor's name and shape; a string dimension is symbolic (e.g. the batch `N`). */
export function floatValue(name: string, dims: (number | string)[]): onnx.IValueInfoProto {
  const dim = dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d }));
  return { name, type: { tensorType: { elemType: FLOAT, shape: { dim } } } };
}

/** A 1-element int64 initializer (Slice starts/ends/axes). */
export function int64Initializer(name: string, value: number): onnx.ITensorProto {
  return {
    name,
    dataType: onnx.TensorProto.DataType.INT64,
    dims: [1],
    rawData: new Uint8Array(BigInt64Array.of(BigInt(value)).buffer),
  };
}

export function intAttribute(name: string, i: number): onnx.IAttributeProto {
  return { name, type: onnx.AttributeProto.AttributeType.INT, i };
}

/** The encoded model (IR 7, default opset 13) holding `graph`. */
export function writeTinyOnnx(producerName: string, graph: onnx.IGraphProto): Uint8Array {
  const model = onnx.ModelProto.create({
    irVersion: 7,
    producerName,
    opsetImport: [{ domain: '', version: 13 }],
    graph,
  });
  return onnx.ModelProto.encode(model).finish();
}
