import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * `../shared` beside the repository root (CI has it too); `PORTRAIT_FORGE_SHARED` points elsewhere
 * (a git worktree one level deeper than the main checkout).
 */
export const SHARED_DIR = resolve(
  process.env['PORTRAIT_FORGE_SHARED'] ?? resolve(__dirname, '../../../../../shared'),
);

/** Absolute path of something under ../shared, e.g. `sharedPath('data/faces-dev')`. */
export function sharedPath(...parts: string[]): string {
  return resolve(SHARED_DIR, ...parts);
}

/**
 * `describe` for tests that read ../shared: in CI (CI=true) a missing folder is a failure;
 * elsewhere the suite is skipped with a visible notice.
 */
export function describeWithShared(relative: string, name: string, fn: (dir: string) => void): void {
  const dir = sharedPath(relative);
  if (existsSync(dir)) {
    describe(name, () => fn(dir));
    return;
  }
  if (process.env['CI'] === 'true') {
    describe(name, () => {
      it(`needs ${dir}`, () => {
        throw new Error(`${dir} is missing: CI must have ../shared beside the clone`);
      });
    });
    return;
  }
  process.stderr.write(
    `\n*** SKIPPED "${name}": ${dir} not found (tests needing ../shared are skipped outside CI)\n`,
  );
  describe.skip(name, () => fn(dir));
}
