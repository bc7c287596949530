module.exports = {
  displayName: 'symmetry',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/libs/symmetry',
};
