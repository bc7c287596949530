export {
  CONFIG_NAMES,
  ProgressiveSchema,
  channelsAt,
  checkLod,
  isConfigName,
  lazyAdamParams,
  stylegan2Config,
  type ConfigName,
  type ConfigOptions,
  type DiscriminatorArchitecture,
  type GeneratorArchitecture,
  type Progressive,
  type StyleGAN2Config,
  StyleGAN2ConfigSchema,
} from './lib/config';
export {
  Generator,
  MappingNetwork,
  SynthesisNetwork,
  normalize2ndMoment,
  truncate,
  type GenerateOptions,
  type MappingOptions,
  type SynthesisOptions,
} from './lib/generator';
export { Discriminator, minibatchStd } from './lib/discriminator';
export { modulatedConv2d, type NoiseMode } from './lib/layers';
export { boxDownsample, downsample2d, nearestUpsample, upsample2d, lrelu } from './lib/ops';
export { instanceNorm } from './lib/style-synthesis';
export {
  PHASES,
  dLossFake,
  dLossReal,
  gLossNonSaturating,
  pathLengthPenalty,
  pathLengths,
  plNoiseLike,
  r1Penalty,
  type AugmentFn,
  type Phase,
} from './lib/loss';
export { Adam, type AdamParams } from './lib/adam';
export {
  StyleGAN2,
  createStyleGAN2,
  type PhaseInputs,
  type PhaseStats,
  type StyleGAN2State,
  type TrainPhaseBatch,
  type TrainPhaseOptions,
} from './lib/model';
export {
  ParamStore,
  copyWeights,
  deserializeWeights,
  lerpWeights,
  serializeWeights,
  type PlainTensor,
  type PlainWeights,
} from './lib/weights';
