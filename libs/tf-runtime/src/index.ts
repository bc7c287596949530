export {
  initTf,
  isBackendChoice,
  BACKEND_PREFERENCE,
  resetTfRuntimeForTests,
  type BackendChoice,
  type BackendAttempt,
  type TfRuntime,
  type InitTfOptions,
} from './lib/backend';
export { registerWasmTrainingShims } from './lib/wasm-training-shims';
export { loadGraphModelFromDir, humanModelsDir, type GraphModel } from './lib/graph-model';
