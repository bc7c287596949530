import { existsSync } from 'node:fs';

/** Where Debian/Ubuntu put chromium (CHROMIUM_PATH first), for playwright-core's `executablePath`. */
export const BROWSER_CANDIDATES = [
  process.env['CHROMIUM_PATH'],
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
].filter((p): p is string => !!p);

export const CHROMIUM_PATH: string | undefined = BROWSER_CANDIDATES.find((p) => existsSync(p));

/**
 * `describe` for browser tests: without chromium, CI (CI=true) fails with the fix and elsewhere the
 * suite is skipped with a visible notice.
 */
export function describeWithChromium(name: string, fn: (executablePath: string) => void): void {
  if (CHROMIUM_PATH) {
    const path = CHROMIUM_PATH;
    describe(name, () => fn(path));
    return;
  }
  const where = BROWSER_CANDIDATES.join(', ');
  if (process.env['CI'] === 'true') {
    describe(name, () => {
      it('needs chromium', () => {
        throw new Error(`no browser at ${where}: CI must install chromium (apt-get install -y chromium)`);
      });
    });
    return;
  }
  process.stderr.write(
    `\n*** SKIPPED "${name}": no chromium found (${where}); apt-get install -y chromium to run it\n`,
  );
  describe.skip(name, () => fn(''));
}
