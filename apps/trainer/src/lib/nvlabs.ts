import { spawnSync } from 'node:child_process';
import { existsSync, renameSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UsageError } from '@portrait-forge/cli';
import { completeNvlabsImport, type NetworkCheckpointMeta } from '@portrait-forge/training';

/** tools/convert/convert.py: the Python side of `trainer convert` (NVlabs' own code loads and writes pickles). */
export const CONVERT_SCRIPT = resolve(__dirname, '../../../../tools/convert/convert.py');
/** Debian's python3-torch installs into the system Python, which a venv's `python3` on PATH may hide. */
export const DEFAULT_PYTHON =
  process.env['PYTHON'] ?? (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');
/** Where tools/parity/run.sh extracts NVlabs' checkout; override with --nvlabs or env NVLABS_DIR. */
export const DEFAULT_NVLABS_DIR = process.env['NVLABS_DIR'] ?? 'tmp/parity/stylegan2-ada-pytorch';
export type ConvertStep = 'to-pkl' | 'from-pkl' | 'generate' | 'random-pkl' | 'tf-random-pkl';

export interface NvlabsEnv {
  /** Checkout of NVlabs/stylegan2-ada-pytorch (its training/, dnnlib/, torch_utils/ are imported). */
  nvlabs: string;
  /** Python with torch (Debian: python3-torch). */
  python: string;
}

/** Why NVlabs conversions cannot run here, or undefined when they can (tests skip on it). */
export function nvlabsUnavailable(env: NvlabsEnv): string | undefined {
  if (!existsSync(join(env.nvlabs, 'training', 'networks.py')))
    return `--nvlabs ${env.nvlabs} is not a stylegan2-ada-pytorch checkout; git clone https://github.com/NVlabs/stylegan2-ada-pytorch`;
  const probe = spawnSync(env.python, ['-c', 'import torch, numpy'], { encoding: 'utf8' });
  if (probe.status !== 0)
    return `${env.python} cannot import torch (apt-get install python3-torch, or pass --python)`;
  return undefined;
}

/** Runs one convert.py step; its stderr becomes the error message. */
export function runConvertStep(env: NvlabsEnv, step: ConvertStep, args: string[]): void {
  const missing = nvlabsUnavailable(env);
  if (missing) throw new UsageError(missing);
  const run = spawnSync(env.python, [CONVERT_SCRIPT, step, ...args, '--nvlabs', env.nvlabs], {
    encoding: 'utf8',
    maxBuffer: 64 * 2 ** 20,
  });
  if (run.status !== 0)
    throw new UsageError(
      `convert.py ${step} ${args.join(' ')} failed:\n${(run.stderr || run.stdout).trim()}`,
    );
}

/** Our checkpoint (training or network) → an NVlabs network-snapshot pickle; written to a temp name, then renamed. */
export function checkpointToPickle(env: NvlabsEnv, ckpt: string, pkl: string): void {
  const tmp = `${pkl}.tmp-${process.pid}`;
  try {
    runConvertStep(env, 'to-pkl', [ckpt, tmp]);
    renameSync(tmp, pkl);
  } finally {
    rmSync(tmp, { force: true });
  }
}

/** An NVlabs pickle (SG2-ADA, or TF StyleGAN2 via NVlabs' legacy.py) → our network checkpoint. */
export function pickleToCheckpoint(env: NvlabsEnv, pkl: string, ckpt: string): NetworkCheckpointMeta {
  const tmp = `${ckpt}.import-${process.pid}`;
  try {
    runConvertStep(env, 'from-pkl', [pkl, tmp]);
    return completeNvlabsImport(tmp, ckpt, resolve(pkl));
  } finally {
    rmSync(tmp, { force: true });
  }
}
