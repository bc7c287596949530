module.exports = {
  displayName: 'stylegan2',
  preset: '../../jest.preset.js',
  testEnvironment: '<rootDir>/../../tools/jest/shared-typed-arrays-environment.js',
  coverageDirectory: '../../coverage/libs/stylegan2',
};
