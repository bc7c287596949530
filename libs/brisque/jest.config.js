module.exports = {
  displayName: 'brisque',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/libs/brisque',
};
