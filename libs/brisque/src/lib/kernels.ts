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

/** kernels.wasm's exports; addresses are byte offsets into `memory` (contracts in kernels.wat). */
export interface Kernels {
  memory: KernelMemory;
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

/** Built from kernels.wat by tools/scripts/build-brisque-wasm.ts. */
export const KERNELS_WASM_PATH = resolve(__dirname, 'kernels.wasm');

const { Module, Instance } = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;

export const kernels = new Instance(new Module(readFileSync(KERNELS_WASM_PATH))).exports as Kernels;

const PAGE_BYTES = 65536;
/** Every block ends ≥ 16 bytes before the next: kernels may read or write one 4-lane vector past it. */
const SLACK_BYTES = 16;
const FIRST_BLOCK = 64;

let top = FIRST_BLOCK;

/** Where the next block will start: pass it to resetKernelMemory to free the blocks allocated after. */
export function kernelMemoryMark(): number {
  return top;
}

/** Frees every block (or those after `mark`); the memory itself is kept and reused. */
export function resetKernelMemory(mark = FIRST_BLOCK): void {
  top = mark;
}

/** A 16-byte-aligned block of `bytes` (+ slack) in kernel memory, growing the memory when needed. */
export function allocate(bytes: number): number {
  const address = top;
  top = Math.ceil((address + bytes + SLACK_BYTES) / 16) * 16;
  const missing = top - kernels.memory.buffer.byteLength;
  if (missing > 0) kernels.memory.grow(Math.ceil(missing / PAGE_BYTES));
  return address;
}

/** Views are taken after the last allocation: growing the memory detaches earlier ones. */
export function float32View(address: number, length: number): Float32Array {
  return new Float32Array(kernels.memory.buffer, address, length);
}

export function float64View(address: number, length: number): Float64Array {
  return new Float64Array(kernels.memory.buffer, address, length);
}

export function uint8View(address: number, length: number): Uint8Array {
  return new Uint8Array(kernels.memory.buffer, address, length);
}
