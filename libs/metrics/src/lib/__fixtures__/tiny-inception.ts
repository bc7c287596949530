import { FLOAT, floatValue, writeTinyOnnx } from '@portrait-forge/test-support';

/**
 * A tiny ONNX graph with the Inception pool3 interface (N×3×299×299 → N×2048): per-channel means
 * in features 0..2, zeros elsewhere — enough to check preprocessing, layout and batching.
 */
export function tinyInceptionModel(): Uint8Array {
  const weights = new Float32Array(3 * 2048);
  for (let c = 0; c < 3; c++) weights[c * 2048 + c] = 1;
  return writeTinyOnnx('portrait-forge metrics tests', {
    name: 'tiny-inception',
    input: [floatValue('images', ['N', 3, 299, 299])],
    output: [floatValue('pool3', ['N', 2048])],
    initializer: [{ name: 'w', dataType: FLOAT, dims: [3, 2048], rawData: new Uint8Array(weights.buffer) }],
    node: [
      { opType: 'GlobalAveragePool', input: ['images'], output: ['gap'] },
      { opType: 'Flatten', input: ['gap'], output: ['flat'] },
      { opType: 'MatMul', input: ['flat', 'w'], output: ['pool3'] },
    ],
  });
}
