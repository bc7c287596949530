module.exports = {
  displayName: 'svg-chart',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/libs/svg-chart',
};
