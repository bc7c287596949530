/**
 * Compiles the repository's hand-written WebAssembly kernels (.wat) to the shipped .wasm files with
 * wabt (deterministic: no debug names, canonical LEBs): libs/brisque's kernels and libs/face's quad
 * warp. Each library's Jest suite checks that its shipped binary equals a fresh build.
 * Run: npx tsx tools/scripts/build-wasm.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import wabt from 'wabt';

export const KERNELS_WAT_PATH = resolve(__dirname, '../../libs/brisque/src/lib/kernels.wat');
export const WARP_WAT_PATH = resolve(__dirname, '../../libs/face/src/lib/warp-kernels.wat');

/** Every .wat this script compiles; the .wasm sits next to it. */
export const WAT_PATHS = [KERNELS_WAT_PATH, WARP_WAT_PATH];

/** The binary for a .wat source (SIMD128 and bulk memory; nothing newer, for Node 20). */
export async function buildWasm(watPath: string): Promise<Uint8Array> {
  const toolkit = await wabt();
  const module = toolkit.parseWat(watPath, readFileSync(watPath, 'utf8'), {
    simd: true,
    bulk_memory: true,
  });
  try {
    module.validate();
    return module.toBinary({ canonicalize_lebs: true, write_debug_names: false }).buffer;
  } finally {
    module.destroy();
  }
}

async function main(): Promise<void> {
  for (const watPath of WAT_PATHS) {
    const wasmPath = watPath.replace(/\.wat$/, '.wasm');
    const binary = await buildWasm(watPath);
    writeFileSync(wasmPath, binary);
    process.stdout.write(`${wasmPath}: ${binary.length} bytes\n`);
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  });
}
