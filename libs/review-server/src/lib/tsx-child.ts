import { resolve } from 'node:path';

/**
 * How the server starts its TypeScript child processes (decisions.csv writer, re-decide): node with
 * tsx, which resolves the @portrait-forge/* paths of the child through the workspace tsconfig.
 */
export const TSX_EXEC_ARGV = ['--require', require.resolve('tsx/cjs')];
export const tsxEnv = (): NodeJS.ProcessEnv => ({
  ...process.env,
  TSX_TSCONFIG_PATH: resolve(__dirname, '../../../../tsconfig.base.json'),
});
