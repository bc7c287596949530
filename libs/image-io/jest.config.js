module.exports = {
  displayName: 'image-io',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/libs/image-io',
};
