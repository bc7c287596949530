export {
  writeFileAtomic,
  replaceFileAtomic,
  atomicTempPath,
  isAtomicTempOf,
  type AtomicWriteOptions,
  type WriteHook,
} from './lib/atomic';
