module.exports = {
  displayName: 'tf-runtime',
  preset: '../../jest.preset.js',
  testEnvironment: '<rootDir>/../../tools/jest/shared-typed-arrays-environment.js',
  coverageDirectory: '../../coverage/libs/tf-runtime',
};
