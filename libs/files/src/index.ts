export {
  writeFileAtomic,
  writeFileAtomicAsync,
  replaceFileAtomic,
  atomicTempPath,
  isAtomicTempOf,
  type AtomicWriteOptions,
  type WriteHook,
} from './lib/atomic';
