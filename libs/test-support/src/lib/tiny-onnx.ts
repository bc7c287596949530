import { writeOnnxModel } from '@portrait-forge/tf-runtime';
import type { onnx } from 'onnx-proto';

/**
 * Tiny ONNX graphs written in code, for tests and benches that need a model file with a real model's
 * interface but not its weights. The writer itself is tf-runtime's (its ORT conv kernels use it).
 */

export { FLOAT, floatValue, int64Initializer, intAttribute } from '@portrait-forge/tf-runtime';

/** The encoded model (IR 7, default opset 13) holding `graph`. */
export function writeTinyOnnx(producerName: string, graph: onnx.IGraphProto): Uint8Array {
  return writeOnnxModel(producerName, graph);
}
