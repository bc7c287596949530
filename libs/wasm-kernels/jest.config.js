module.exports = {
  displayName: 'wasm-kernels',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/libs/wasm-kernels',
};
