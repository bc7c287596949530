import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

const ROOT = resolve(__dirname, '../../..');
/** Packages that only the analysis needs (detectors, silhouette nets). */
const HEAVY = ['@tensorflow/', '@vladmandic/', 'onnxruntime-'];

describe('@portrait-forge/curation/decide', () => {
  it('loads without the ML packages (the review server imports only it)', () => {
    const script = `require('@portrait-forge/curation/decide');
      process.stdout.write(JSON.stringify(Object.keys(require.cache)));`;
    const loaded: string[] = JSON.parse(
      execFileSync(process.execPath, ['--require', require.resolve('tsx/cjs'), '-e', script], {
        cwd: ROOT,
        env: { ...process.env, TSX_TSCONFIG_PATH: resolve(ROOT, 'tsconfig.base.json') },
        encoding: 'utf8',
      }),
    );
    expect(loaded.some((f) => f.endsWith('libs/curation/src/lib/decide.ts'))).toBe(true);
    expect(loaded.filter((f) => HEAVY.some((p) => f.includes(`node_modules/${p}`)))).toEqual([]);
  }, 60_000);
});
