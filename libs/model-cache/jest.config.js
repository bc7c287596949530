module.exports = {
  displayName: 'model-cache',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/libs/model-cache',
};
