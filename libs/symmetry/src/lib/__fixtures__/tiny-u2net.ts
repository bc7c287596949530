import { onnx } from 'onnx-proto';

/**
 * Writes a tiny ONNX graph with U-2-Net's interface (input `input.1` 1×3×320×320, several
 * 1×C×320×320 outputs) whose first output's first channel is `red > 0`, i.e. a mask of the
 * pixels with (r / max − 0.485) / 0.229 > 0 after rembg's preprocessing. The second channel and
 * the second output are decoys (negated), so taking the wrong one shows up as an inverted mask.
 */
export function tinyU2netModel(): Uint8Array {
  const F = onnx.TensorProto.DataType.FLOAT;
  const shape = (dims: number[]) => ({
    tensorType: { elemType: F, shape: { dim: dims.map((d) => ({ dimValue: d })) } },
  });
  const int64 = (name: string, value: number) => ({
    name,
    dataType: onnx.TensorProto.DataType.INT64,
    dims: [1],
    rawData: new Uint8Array(BigInt64Array.of(BigInt(value)).buffer),
  });
  const intAttr = (name: string, i: number) => ({ name, type: onnx.AttributeProto.AttributeType.INT, i });
  const model = onnx.ModelProto.create({
    irVersion: 7,
    producerName: 'portrait-forge symmetry tests',
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: 'tiny-u2net',
      input: [{ name: 'input.1', type: shape([1, 3, 320, 320]) }],
      output: [
        { name: 'd0', type: shape([1, 2, 320, 320]) },
        { name: 'd1', type: shape([1, 2, 320, 320]) },
      ],
      initializer: [
        int64('start', 0),
        int64('end', 1),
        int64('axis', 1),
        { name: 'zero', dataType: F, dims: [], floatData: [0] },
      ],
      node: [
        { opType: 'Slice', input: ['input.1', 'start', 'end', 'axis'], output: ['red'] },
        { opType: 'Greater', input: ['red', 'zero'], output: ['fg'] },
        { opType: 'Cast', input: ['fg'], output: ['fgf'], attribute: [intAttr('to', F)] },
        { opType: 'Neg', input: ['fgf'], output: ['bgf'] },
        { opType: 'Concat', input: ['fgf', 'bgf'], output: ['d0'], attribute: [intAttr('axis', 1)] },
        { opType: 'Neg', input: ['d0'], output: ['d1'] },
      ],
    },
  });
  return onnx.ModelProto.encode(model).finish();
}
