import { onnx } from 'onnx-proto';
import { floatValue, int64Initializer, writeTinyOnnx } from './tiny-onnx';
import { tinyU2netModel } from './tiny-u2net';

describe('writeTinyOnnx', () => {
  it('encodes one graph at IR 7 / opset 13 with symbolic and fixed dimensions', () => {
    const bytes = writeTinyOnnx('spec', {
      name: 'g',
      input: [floatValue('x', ['N', 3])],
      output: [floatValue('y', ['N', 3])],
      initializer: [int64Initializer('k', 5)],
      node: [{ opType: 'Identity', input: ['x'], output: ['y'] }],
    });
    const model = onnx.ModelProto.decode(bytes);
    expect(Number(model.irVersion)).toBe(7);
    expect(model.producerName).toBe('spec');
    expect(model.opsetImport.map((o) => Number(o.version))).toEqual([13]);
    const dims = model.graph?.input?.[0].type?.tensorType?.shape?.dim ?? [];
    expect(dims.map((d) => d.dimParam || Number(d.dimValue))).toEqual(['N', 3]);
    const k = model.graph?.initializer?.[0];
    expect(k?.dataType).toBe(onnx.TensorProto.DataType.INT64);
    expect(Array.from(new BigInt64Array(Uint8Array.from(k?.rawData ?? []).buffer))).toEqual([5n]);
  });

  it('gives tinyU2netModel the U-2-Net interface', () => {
    const graph = onnx.ModelProto.decode(tinyU2netModel()).graph;
    expect(graph?.input?.map((i) => i.name)).toEqual(['input.1']);
    expect(graph?.output?.map((o) => o.name)).toEqual(['d0', 'd1']);
  });
});
