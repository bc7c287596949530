module.exports = {
  displayName: 'tf-runtime',
  preset: '../../jest.preset.js',
  testEnvironment: '<rootDir>/../../tools/jest/shared-typed-arrays-environment.js',
  // Loading the wasm backend alone took > 5 s on the shared 2-core box under load.
  testTimeout: 30_000,
  coverageDirectory: '../../coverage/libs/tf-runtime',
};
