export { SHARED_DIR, sharedPath, describeWithShared } from './lib/shared-data';
