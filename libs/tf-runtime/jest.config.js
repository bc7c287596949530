module.exports = {
  displayName: 'tf-runtime',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/libs/tf-runtime',
};
