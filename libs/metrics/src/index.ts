export { featureMatrix, fromRows, selectRows, type FeatureMatrix } from './lib/matrix';
export { createRng, sampleWithoutReplacement, type Rng } from './lib/random';
export { symmetricEigen, type SymmetricEigen } from './lib/linalg';
export { featureStats, frechetDistance, fid, symmetricSqrt, type FeatureStats } from './lib/fid';
export { kid, type KidOptions, type KidResult } from './lib/kid';
export { precisionRecall, type PrecisionRecall } from './lib/precision-recall';
export { ndb, kMeans, twoProportionZTest, type NdbOptions, type NdbResult, type NdbBin } from './lib/ndb';
export { perceptualPathLength, type PplOptions, type PplResult } from './lib/ppl';
export {
  evaluateFeatures,
  gridDiversity,
  metricKey,
  type EvaluateOptions,
  type MetricsReport,
} from './lib/evaluate';
export {
  parseNpy,
  parseNpyArray,
  formatNpy,
  formatNpyArray,
  readNpy,
  writeNpy,
  type NpyDtype,
} from './lib/npy';
export {
  createFace128Extractor,
  createInceptionExtractor,
  defaultFaceApiModelDir,
  type FeatureExtractor,
  type ExtractorName,
  type Face128Options,
  type InceptionOptions,
} from './lib/extractors';
export {
  diagnose,
  toTraceRecord,
  withSnapshotMetrics,
  formatAlert,
  FailureMonitor,
  STAT_KEYS,
  SUGGESTIONS,
  DEFAULT_THRESHOLDS,
  type Alert,
  type AlertName,
  type TraceRecord,
  type MetricPoint,
  type MonitorThresholds,
  metricPoints,
} from './lib/monitor';
export {
  alertStory,
  formatRecordedAlert,
  parseAlertLog,
  recordedAlerts,
  type AlertStory,
  type RecordedAlert,
} from './lib/alert-record';
export { imageVariant, type ImageVariant } from './lib/image-variants';
export {
  INCEPTION_DETECTOR,
  INCEPTION_ONNX_FILE,
  convertInceptionCommand,
  defaultInceptionOnnxPath,
  resolveInceptionOnnx,
  resizeLikeNvlabs,
} from './lib/inception';
export {
  PUBLISHED_METRICS,
  PUBLISHED_METRIC_NAMES,
  computePublishedMetric,
  type PublishedMetricName,
} from './lib/published';
export { referenceFeaturesPath, cachedFeatures } from './lib/reference-cache';
