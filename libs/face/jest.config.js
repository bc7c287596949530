module.exports = {
  displayName: 'face',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/libs/face',
};
