import { readFileSync } from 'node:fs';

/** The part of the WebAssembly global used here (@types/node 20 does not declare it). */
interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: unknown };
}

export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

const PAGE_BYTES = 65536;
const FIRST_BLOCK = 64;
/** Every block ends ≥ 16 bytes before the next: SIMD kernels may touch one vector past their data. */
const SLACK_BYTES = 16;

/**
 * A hand-written WebAssembly module, compiled synchronously from its shipped .wasm, and a bump
 * allocator over its linear memory. The memory grows to the largest working set seen and is reused.
 */
export class WasmKernels<T extends { memory: WasmMemory }> {
  /** The module's exported functions and memory. */
  readonly fn: T;
  private top = FIRST_BLOCK;

  constructor(wasmPath: string) {
    const { Module, Instance } = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;
    this.fn = new Instance(new Module(readFileSync(wasmPath))).exports as T;
  }

  /** Where the next block will start: pass it to `reset` to free the blocks allocated after it. */
  mark(): number {
    return this.top;
  }

  /** Frees every block (or those after `mark`); the memory itself is kept. */
  reset(mark = FIRST_BLOCK): void {
    this.top = mark;
  }

  /** A 16-byte-aligned block of `bytes` (+ slack), growing the memory when needed. */
  allocate(bytes: number): number {
    const address = this.top;
    this.top = Math.ceil((address + bytes + SLACK_BYTES) / 16) * 16;
    const missing = this.top - this.fn.memory.buffer.byteLength;
    if (missing > 0) this.fn.memory.grow(Math.ceil(missing / PAGE_BYTES));
    return address;
  }

  /** Frees everything, then allocates consecutive blocks of the given sizes. */
  layout(...sizes: number[]): number[] {
    this.reset();
    return sizes.map((bytes) => this.allocate(bytes));
  }

  // Views are taken after the last allocation: growing the memory detaches earlier ones.
  float32(address: number, length: number): Float32Array {
    return new Float32Array(this.fn.memory.buffer, address, length);
  }

  float64(address: number, length: number): Float64Array {
    return new Float64Array(this.fn.memory.buffer, address, length);
  }

  int32(address: number, length: number): Int32Array {
    return new Int32Array(this.fn.memory.buffer, address, length);
  }

  uint8(address: number, length: number): Uint8Array {
    return new Uint8Array(this.fn.memory.buffer, address, length);
  }
}
