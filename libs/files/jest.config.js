module.exports = {
  displayName: 'files',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/libs/files',
};
