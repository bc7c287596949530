/**
 * Compiles libs/brisque's hand-written WebAssembly kernels (kernels.wat) to the shipped kernels.wasm
 * with wabt (deterministic: no debug names, canonical LEBs). The brisque Jest suite checks that the
 * shipped binary equals a fresh build.
 * Run: npx tsx tools/scripts/build-brisque-wasm.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import wabt from 'wabt';

const LIB_DIR = resolve(__dirname, '../../libs/brisque/src/lib');
export const KERNELS_WAT_PATH = resolve(LIB_DIR, 'kernels.wat');
export const KERNELS_WASM_PATH = resolve(LIB_DIR, 'kernels.wasm');

/** The binary for the .wat source (SIMD128 and bulk memory; nothing newer, for Node 20). */
export async function buildBrisqueKernels(watPath = KERNELS_WAT_PATH): Promise<Uint8Array> {
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
  const binary = await buildBrisqueKernels();
  writeFileSync(KERNELS_WASM_PATH, binary);
  process.stdout.write(`${KERNELS_WASM_PATH}: ${binary.length} bytes\n`);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  });
}
