module.exports = {
  displayName: 'curate',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/apps/curate',
};
