export {
  startReviewServer,
  isLoopback,
  PUBLIC_DIR,
  SESSION_COOKIE,
  type ReviewServer,
  type ReviewServerOptions,
} from './lib/server';
export { THRESHOLD_FIELDS, type ThresholdField } from './lib/thresholds';
