export {
  initTf,
  isBackendChoice,
  requestedThreads,
  defaultThreads,
  BACKEND_PREFERENCE,
  ORT_CONV_DEFAULT,
  resetTfRuntimeForTests,
  type BackendChoice,
  type BackendAttempt,
  type TfRuntime,
  type InitTfOptions,
} from './lib/backend';
export { registerWasmTrainingShims } from './lib/wasm-training-shims';
export {
  registerOrtConvKernels,
  unregisterOrtConvKernels,
  ortConvStats,
  ortConvThreads,
  setOrtConvFaultForTests,
  isOrtKernelFunc,
  ORT_KERNELS,
  type OrtConvStats,
} from './lib/ort-conv-kernels';
export { ORT_CONV_KERNELS, type OrtConvKernel } from './lib/ort-conv-graphs';
export { ORT_NODE_VERSION } from './lib/ort-binding';
export {
  FLOAT,
  floatValue,
  OnnxGraphBuilder,
  int64Initializer,
  intAttribute,
  intsAttribute,
  writeOnnxModel,
} from './lib/onnx-model';
export { loadGraphModelFromDir, humanModelsDir, type GraphModel } from './lib/graph-model';
export {
  tfjsGraphToOnnx,
  OP_CONVERTERS,
  convFilter,
  samePads,
  type OnnxGraphModel,
} from './lib/tfjs-to-onnx';
export {
  createGraphRunner,
  createOrtRunner,
  ortNetsRequested,
  type GraphRunner,
  type GraphRunnerOptions,
  type GraphOutput,
  type GraphRuntime,
} from './lib/graph-runner';
export {
  registerJsKernel,
  hasJsKernel,
  runJsKernel,
  JS_KERNEL_MAX_SIZE,
  type JsKernel,
  type JsKernelCompute,
} from './lib/js-kernels';
