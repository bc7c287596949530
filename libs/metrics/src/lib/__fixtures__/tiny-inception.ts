import { onnx } from 'onnx-proto';

/**
 * A tiny ONNX graph with the Inception pool3 interface (N×3×299×299 → N×2048): per-channel means
 * in features 0..2, zeros elsewhere — enough to check preprocessing, layout and batching.
 */
export function tinyInceptionModel(): Uint8Array {
  const F = onnx.TensorProto.DataType.FLOAT;
  const shape = (dims: (number | string)[]) => ({
    tensorType: {
      elemType: F,
      shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) },
    },
  });
  const weights = new Float32Array(3 * 2048);
  for (let c = 0; c < 3; c++) weights[c * 2048 + c] = 1;
  const model = onnx.ModelProto.create({
    irVersion: 7,
    producerName: 'portrait-forge metrics tests',
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: 'tiny-inception',
      input: [{ name: 'images', type: shape(['N', 3, 299, 299]) }],
      output: [{ name: 'pool3', type: shape(['N', 2048]) }],
      initializer: [{ name: 'w', dataType: F, dims: [3, 2048], rawData: new Uint8Array(weights.buffer) }],
      node: [
        { opType: 'GlobalAveragePool', input: ['images'], output: ['gap'] },
        { opType: 'Flatten', input: ['gap'], output: ['flat'] },
        { opType: 'MatMul', input: ['flat', 'w'], output: ['pool3'] },
      ],
    },
  });
  return onnx.ModelProto.encode(model).finish();
}
