module.exports = {
  displayName: 'symmetry',
  preset: '../../jest.preset.js',
  testEnvironment: '<rootDir>/jest-environment.js',
  coverageDirectory: '../../coverage/libs/symmetry',
};
