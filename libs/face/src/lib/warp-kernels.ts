import { WasmKernels, type WasmMemory } from '@portrait-forge/wasm-kernels';
import { resolve } from 'node:path';

type WarpParams = [bx: number, by: number, ux: number, uy: number, vx: number, vy: number];

/** warp-kernels.wasm's exports; addresses are byte offsets into `memory` (contracts in warp-kernels.wat). */
export interface WarpKernels {
  memory: WasmMemory;
  warp3(src: number, width: number, height: number, out: number, size: number, ...params: WarpParams): void;
  warpAny(
    src: number,
    width: number,
    height: number,
    channels: number,
    out: number,
    size: number,
    ...params: WarpParams
  ): void;
  softenHistogram(
    img: number,
    blurred: number,
    width: number,
    height: number,
    channels: number,
    maskX: number,
    maskY: number,
    hist: number,
  ): void;
  softenApply(
    img: number,
    blurred: number,
    width: number,
    channels: number,
    maskX: number,
    maskY: number,
    medians: number,
    x0: number,
    y0: number,
    x1: number,
    y1: number,
  ): void;
}

/** Built from warp-kernels.wat by tools/scripts/build-wasm.ts. */
export const WARP_WASM_PATH = resolve(__dirname, 'warp-kernels.wasm');

export const warpKernels = new WasmKernels<WarpKernels>(WARP_WASM_PATH);
