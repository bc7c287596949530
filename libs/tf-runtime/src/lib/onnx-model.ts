import { onnx } from 'onnx-proto';

/** Small ONNX models written in code: the ORT conv kernels' graphs, and tests' stand-in models. */

export const FLOAT = onnx.TensorProto.DataType.FLOAT;

/** A float tensor's name and shape; a string dimension is symbolic (e.g. the batch `N`). */
export function floatValue(name: string, dims: (number | string)[]): onnx.IValueInfoProto {
  const dim = dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d }));
  return { name, type: { tensorType: { elemType: FLOAT, shape: { dim } } } };
}

/** An int64 initializer (Slice starts/ends/axes, Pad pads, Reshape shapes); a number gives dims [1]. */
export function int64Initializer(name: string, value: number | number[]): onnx.ITensorProto {
  const values = typeof value === 'number' ? [value] : value;
  return {
    name,
    dataType: onnx.TensorProto.DataType.INT64,
    dims: [values.length],
    rawData: new Uint8Array(BigInt64Array.from(values.map(BigInt)).buffer),
  };
}

/** A float initializer (weights) holding `data` with shape `dims`. */
export function floatInitializer(name: string, data: Float32Array, dims: number[]): onnx.ITensorProto {
  return {
    name,
    dataType: FLOAT,
    dims,
    rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
  };
}

export function intAttribute(name: string, i: number): onnx.IAttributeProto {
  return { name, type: onnx.AttributeProto.AttributeType.INT, i };
}

export function intsAttribute(name: string, ints: number[]): onnx.IAttributeProto {
  return { name, type: onnx.AttributeProto.AttributeType.INTS, ints };
}

/**
 * The encoded model (IR 7, default opset 13) holding `graph`; each other operator domain its nodes use
 * (e.g. onnxruntime's `com.microsoft.nchwc`) is imported at version 1.
 */
export function writeOnnxModel(producerName: string, graph: onnx.IGraphProto): Uint8Array {
  const domains = new Set((graph.node ?? []).map((n) => n.domain ?? '').filter((d) => d !== ''));
  const model = onnx.ModelProto.create({
    irVersion: 7,
    producerName,
    opsetImport: [{ domain: '', version: 13 }, ...[...domains].map((domain) => ({ domain, version: 1 }))],
    graph,
  });
  return onnx.ModelProto.encode(model).finish();
}

/** Nodes and initializers of a graph written in code, each value given a fresh name. */
export class OnnxGraphBuilder {
  readonly nodes: onnx.INodeProto[] = [];
  readonly initializers: onnx.ITensorProto[] = [];
  private serial = 0;

  fresh(hint: string): string {
    return `${hint}_${this.serial++}`;
  }

  /** A node of `opType` on `input`; returns its (single) output's name. */
  add(opType: string, input: string[], attribute: onnx.IAttributeProto[] = [], hint = opType): string {
    const output = this.fresh(hint);
    this.nodes.push({ opType, input, output: [output], attribute });
    return output;
  }

  floatConst(data: Float32Array, dims: number[], hint: string): string {
    const name = this.fresh(hint);
    this.initializers.push(floatInitializer(name, data, dims));
    return name;
  }

  int64Const(values: number[], hint: string): string {
    const name = this.fresh(hint);
    this.initializers.push(int64Initializer(name, values));
    return name;
  }
}
