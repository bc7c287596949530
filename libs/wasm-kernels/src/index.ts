export { WasmKernels, type WasmMemory } from './lib/wasm-kernels';
