module.exports = {
  displayName: 'curate',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/apps/curate',
  // The program imports libs/review-server, whose ESM-only dependencies SWC must turn into CommonJS
  // (same list as libs/review-server/jest.config.js).
  transformIgnorePatterns: ['/node_modules/(?!(content-disposition|cookie|@fastify/cookie)/)'],
};
