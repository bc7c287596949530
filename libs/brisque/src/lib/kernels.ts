import { WasmKernels, type WasmMemory } from '@portrait-forge/wasm-kernels';
import { resolve } from 'node:path';

/** kernels.wasm's exports; addresses are byte offsets into `memory` (contracts in kernels.wat). */
export interface Kernels {
  memory: WasmMemory;
  grayRgb(src: number, dst: number, pixels: number, unit: number): void;
  grayLuma(src: number, dst: number, pixels: number, unit: number): void;
  blurRows(
    image: number,
    width: number,
    height: number,
    stride: number,
    pad: number,
    outMean: number,
    outSquare: number,
    k0: number,
    k1: number,
    k2: number,
    k3: number,
  ): void;
  blurColumnsToMscn(
    image: number,
    width: number,
    height: number,
    stride: number,
    rowMean: number,
    rowSquare: number,
    out: number,
    k0: number,
    k1: number,
    k2: number,
    k3: number,
    epsilon: number,
  ): void;
  accumulate(map: number, width: number, height: number, stride: number, sums: number): void;
  resizeRows(
    source: number,
    sourceWidth: number,
    sourceHeight: number,
    dest: number,
    destWidth: number,
    taps: number,
    weights: number,
    pad: number,
  ): void;
  resizeColumns(
    source: number,
    width: number,
    dest: number,
    destHeight: number,
    taps: number,
    weights: number,
  ): void;
}

/** Built from kernels.wat by tools/scripts/build-wasm.ts. */
export const KERNELS_WASM_PATH = resolve(__dirname, 'kernels.wasm');

export const kernels = new WasmKernels<Kernels>(KERNELS_WASM_PATH);
