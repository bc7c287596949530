module.exports = {
  displayName: 'review-server',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/libs/review-server',
  // Jest (on Node 20) cannot load ESM-only packages: content-disposition (required by
  // @fastify/static) and cookie (import()-ed by @fastify/cookie); SWC turns them into CommonJS.
  transformIgnorePatterns: ['/node_modules/(?!(content-disposition|cookie|@fastify/cookie)/)'],
};
