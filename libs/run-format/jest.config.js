module.exports = {
  displayName: 'run-format',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/libs/run-format',
};
