import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WasmKernels, type WasmMemory } from './wasm-kernels';

/** The smallest module with memory: one 64 KiB page, exported as `memory`. */
// prettier-ignore
const MEMORY_ONLY = Uint8Array.from([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version
  0x05, 0x03, 0x01, 0x00, 0x01, // memory section: one memory, min 1 page
  0x07, 0x0a, 0x01, 0x06, ...Buffer.from('memory'), 0x02, 0x00, // export "memory"
]);

function load(): WasmKernels<{ memory: WasmMemory }> {
  const file = join(mkdtempSync(join(tmpdir(), 'wasm-kernels-')), 'memory.wasm');
  writeFileSync(file, MEMORY_ONLY);
  return new WasmKernels(file);
}

describe('WasmKernels', () => {
  it('hands out 16-byte-aligned blocks with slack, and mark/reset frees the later ones', () => {
    const k = load();
    const a = k.allocate(10);
    const b = k.allocate(1);
    expect(a % 16).toBe(0);
    expect(b % 16).toBe(0);
    expect(b - a).toBeGreaterThanOrEqual(10 + 16);
    const mark = k.mark();
    const c = k.allocate(100);
    k.reset(mark);
    expect(k.allocate(100)).toBe(c);
    k.reset();
    expect(k.allocate(10)).toBe(a);
  });

  it('grows the memory to fit and keeps what was written', () => {
    const k = load();
    const first = k.allocate(16);
    k.uint8(first, 4).set([1, 2, 3, 4]);
    const big = k.allocate(200_000);
    expect(k.fn.memory.buffer.byteLength).toBeGreaterThanOrEqual(big + 200_000 + 16);
    expect(Array.from(k.uint8(first, 4))).toEqual([1, 2, 3, 4]);
    k.float64(big, 2).set([0.5, -1]);
    expect(Array.from(k.float64(big, 2))).toEqual([0.5, -1]);
    k.int32(big, 1)[0] = 7;
    expect(k.float32(big, 1)[0]).toBe(new Float32Array(Int32Array.of(7).buffer)[0]);
  });

  it('layout frees everything first, so each call reuses the same addresses', () => {
    const k = load();
    k.allocate(1000);
    const [x, y] = k.layout(8, 8);
    expect(k.layout(8, 8)).toEqual([x, y]);
    expect(x).toBe(64);
  });

  it('names the file when the .wasm is missing', () => {
    expect(() => new WasmKernels('/nonexistent/kernels.wasm')).toThrow(/nonexistent\/kernels\.wasm/);
  });
});
