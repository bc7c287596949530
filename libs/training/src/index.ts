export {
  train,
  resolveConfig,
  latentForSeed,
  DEFAULT_TRAIN_OPTIONS,
  type TrainOptions,
  type TrainHooks,
  type TrainResult,
  type SnapshotContext,
  type AugMode,
} from './lib/train';
export { generateImages, styleMixingGrid, loadGenerator, type GenerateResult } from './lib/generate';
export { augmentBatch, BGC, type AugmentSpec } from './lib/augment';
export { initialAda, accumulateSigns, maybeAdjust, type AdaState, type AdaOptions } from './lib/ada';
export { emaBeta } from './lib/ema';
export { Rng, permutation, type RngState } from './lib/rng';
export {
  saveCheckpoint,
  loadCheckpoint,
  listCheckpoints,
  checkpointName,
  type Checkpoint,
  type StoredTensor,
  type TensorMap,
} from './lib/checkpoint';
export { ImageLoader, SampleOrder, loadImage, type Batch, type LoaderOptions } from './lib/loader';
export {
  openSource,
  folderSource,
  zipSource,
  manifestSource,
  listImages,
  type ImageSource,
} from './lib/sources';
export { createRunDir, resolveResume, StatCollector } from './lib/run-dir';
export { saveImageGrid } from './lib/grid';
export { formatTick, formatDuration, type TickFigures } from './lib/progress';
