const nxPreset = require('@nx/jest/preset').default;

// SWC transpiles without type checking (tsc does that in each project's typecheck/lint),
// which keeps the suite fast on 2 cores.
module.exports = {
  ...nxPreset,
  testEnvironment: 'node',
  transform: {
    '^.+\\.[tj]s$': [
      '@swc/jest',
      {
        jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
        module: { type: 'commonjs' },
      },
    ],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  passWithNoTests: true,
  reporters: ['default', require.resolve('./tools/jest/summary-reporter.js')],
};
