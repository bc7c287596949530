module.exports = {
  displayName: 'manifest',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/libs/manifest',
};
