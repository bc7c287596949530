module.exports = {
  displayName: 'metrics',
  preset: '../../jest.preset.js',
  testEnvironment: '<rootDir>/../../tools/jest/shared-typed-arrays-environment.js',
  coverageDirectory: '../../coverage/libs/metrics',
};
