export { train, type TrainHooks, type TrainResult } from './lib/train';
export {
  TRAIN_OPTIONS,
  TrainOptionsSchema,
  TrainOptionsInputSchema,
  RESUMABLE_OPTIONS,
  AUG_MODES,
  parseTrainConfig,
  resolveTrainOptions,
  resumeTrainOptions,
  resolveConfig,
  optionLabel,
  type TrainOptions,
  type TrainOptionsInput,
  type TrainOptionName,
  type OptionFlag,
  type AugMode,
} from './lib/options';
export { latentForSeed, latentsForSeeds, seedRange } from './lib/latents';
export {
  loadTrainingCheckpoint,
  loadGeneratorWeights,
  TRAINING_CHECKPOINT_FORMAT,
  type TrainingCheckpoint,
  type TrainingCheckpointMeta,
  type LoopState,
} from './lib/training-checkpoint';
export { type SnapshotContext, type SnapshotFigures } from './lib/snapshot';
export { generateImages, styleMixingGrid, loadGenerator, type GenerateResult } from './lib/generate';
export { augmentBatch, BGC, type AugmentSpec } from './lib/augment';
export { initialAda, accumulateSigns, maybeAdjust, type AdaState, type AdaOptions } from './lib/ada';
export { emaBeta } from './lib/ema';
export {
  saveCheckpoint,
  loadCheckpoint,
  listCheckpoints,
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
export {
  createRunDir,
  resolveResume,
  readTrainingOptions,
  TrainingOptionsFileSchema,
  type TrainingOptionsFile,
} from './lib/run-dir';
export { StatCollector } from './lib/tick-stats';
export { saveImageGrid } from './lib/grid';
export { formatTick, formatDuration, type TickFigures } from './lib/progress';
export {
  NETWORK_CHECKPOINT_FORMAT,
  NETWORK_GROUPS,
  completeNvlabsImport,
  loadNetworks,
  saveNetworkCheckpoint,
  type NetworkCheckpointMeta,
  type NetworkGroup,
} from './lib/network-checkpoint';
export {
  project,
  projectorSchedule,
  noiseRegularization,
  pixelPyramidDistance,
  ProjectOptionsSchema,
  type ImageDistance,
  type Projection,
  type ProjectOptions,
  type ProjectStep,
} from './lib/projector';
export { psnr } from './lib/psnr';
export { PROJECTED_W_FILE, saveProjectedW, loadProjectedW } from './lib/projected-w';
export { VGG16_LPIPS, convertVgg16Command, loadVgg16Lpips, type Vgg16Lpips } from './lib/vgg16-lpips';
export { saveVideo } from './lib/video';
export {
  DATASET_LIST_FILE,
  freezeDataset,
  readDatasetList,
  verifyFrozenCrops,
  frozenManifestSource,
  keptChanges,
  type DatasetList,
} from './lib/dataset-list';
