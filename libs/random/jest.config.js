module.exports = {
  displayName: 'random',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/libs/random',
};
