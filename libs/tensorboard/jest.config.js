module.exports = {
  displayName: 'tensorboard',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/libs/tensorboard',
};
