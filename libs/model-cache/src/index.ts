export {
  ensureModel,
  modelCachePath,
  resolveCacheDir,
  sha256File,
  clearVerifiedCache,
  ModelCacheError,
  type ModelSpec,
  type EnsureModelOptions,
} from './lib/model-cache';
