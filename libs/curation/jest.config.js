module.exports = {
  displayName: 'curation',
  preset: '../../jest.preset.js',
  // The curation nets run in onnxruntime-node (tools/jest/shared-typed-arrays-environment.js says why).
  testEnvironment: '<rootDir>/../../tools/jest/shared-typed-arrays-environment.js',
  coverageDirectory: '../../coverage/libs/curation',
};
