module.exports = {
  displayName: 'stylegan2',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/libs/stylegan2',
};
