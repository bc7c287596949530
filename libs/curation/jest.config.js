module.exports = {
  displayName: 'curation',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/libs/curation',
};
