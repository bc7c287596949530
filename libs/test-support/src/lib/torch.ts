import { spawnSync } from 'node:child_process';

/** Debian's python3-torch lives in the system interpreter, not in pyenv/venv shims. */
export const SYSTEM_PYTHON = process.env['TORCH_PYTHON'] ?? '/usr/bin/python3';

function torchVersion(): string | undefined {
  const r = spawnSync(SYSTEM_PYTHON, ['-c', 'import torch, scipy; print(torch.__version__)'], {
    encoding: 'utf8',
  });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/**
 * `describe` for oracle tests that run PyTorch (+ scipy) scripts: without them the suite is skipped
 * with a visible notice naming the packages (they are parity tools, never runtime dependencies).
 */
export function describeWithTorch(name: string, fn: (python: string) => void): void {
  if (torchVersion()) {
    describe(name, () => fn(SYSTEM_PYTHON));
    return;
  }
  process.stderr.write(
    `\n*** SKIPPED "${name}": ${SYSTEM_PYTHON} has no torch/scipy; apt-get install -y python3-torch python3-scipy to run it\n`,
  );
  describe.skip(name, () => fn(SYSTEM_PYTHON));
}
