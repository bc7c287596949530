// Used by projects that run onnxruntime-node under Jest (also tf-runtime's ORT conv kernels, via initTf): it builds output tensors with the host realm's typed arrays, which fail
// onnxruntime-common's `instanceof Float32Array` checks inside Jest's sandbox realm.
// Sharing the host's typed-array constructors makes the ONNX path testable under Jest.
const { TestEnvironment } = require('jest-environment-node');

const SHARED = [
  'Float32Array',
  'Float64Array',
  'Int8Array',
  'Int16Array',
  'Int32Array',
  'Uint8Array',
  'Uint8ClampedArray',
  'Uint16Array',
  'Uint32Array',
  'BigInt64Array',
  'BigUint64Array',
  'ArrayBuffer',
];

class SharedTypedArrayEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of SHARED) this.global[name] = globalThis[name];
  }
}

module.exports = SharedTypedArrayEnvironment;
