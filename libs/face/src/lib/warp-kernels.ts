import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** The part of the WebAssembly global used here (@types/node 20 does not declare it). */
interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: unknown };
}

interface KernelMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

type WarpParams = [bx: number, by: number, ux: number, uy: number, vx: number, vy: number];

/** warp-kernels.wasm's exports; addresses are byte offsets into `memory` (contracts in warp-kernels.wat). */
export interface WarpKernels {
  memory: KernelMemory;
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
}

/** Built from warp-kernels.wat by tools/scripts/build-brisque-wasm.ts. */
export const WARP_WASM_PATH = resolve(__dirname, 'warp-kernels.wasm');

const { Module, Instance } = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;

export const warpKernels = new Instance(new Module(readFileSync(WARP_WASM_PATH))).exports as WarpKernels;

const PAGE_BYTES = 65536;
/** Kernels read and write up to one 4-byte word past a pixel; 16 bytes of slack covers it. */
const SLACK_BYTES = 16;

/** Addresses of consecutive 16-byte-aligned blocks of the given sizes (+ slack), growing the memory. */
export function layoutBlocks(...sizes: number[]): number[] {
  let top = 64;
  const addresses = sizes.map((bytes) => {
    const address = top;
    top = Math.ceil((address + bytes + SLACK_BYTES) / 16) * 16;
    return address;
  });
  const missing = top - warpKernels.memory.buffer.byteLength;
  if (missing > 0) warpKernels.memory.grow(Math.ceil(missing / PAGE_BYTES));
  return addresses;
}
