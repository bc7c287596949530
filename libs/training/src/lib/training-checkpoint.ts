import { z } from 'zod';
import { StyleGAN2ConfigSchema, type PlainWeights, type StyleGAN2Config } from '@portrait-forge/stylegan2';
import { UsageError } from '@portrait-forge/cli';
import type { WriteHook } from '@portrait-forge/files';
import { loadCheckpoint, saveCheckpoint, type Checkpoint, type TensorMap } from './checkpoint';
import { TrainOptionsSchema, describeIssues } from './options';
import { StatSumsSchema } from './tick-stats';

/** What a training checkpoint holds besides its tensors; `format` names this layout. */
export const TRAINING_CHECKPOINT_FORMAT = 'portrait-forge-stylegan2-training/1';

/** The training loop's counters; checkpointed so a resumed run continues exactly. */
export const LoopStateSchema = z.object({
  curNimg: z.number(),
  batchIdx: z.number(),
  tick: z.number(),
  tickStartNimg: z.number(),
  // JSON has no NaN: r_t before the first ADA update is stored as null.
  ada: z.object({
    p: z.number(),
    signSum: z.number(),
    signCount: z.number(),
    rt: z
      .number()
      .nullable()
      .transform((rt) => rt ?? Number.NaN),
  }),
  lrScale: z.number(),
  /** Level of detail of the last step (progressive growing); checkpoints before it had none (lod 0). */
  lod: z.number().default(0),
  consecutiveBad: z.number(),
  rollbacks: z.number(),
  nanSkips: z.number(),
});
export type LoopState = z.infer<typeof LoopStateSchema>;

const RngStateSchema = z.tuple([z.number(), z.number(), z.number(), z.number()]);

export const TrainingCheckpointMetaSchema = z.object({
  format: z.literal(TRAINING_CHECKPOINT_FORMAT),
  options: TrainOptionsSchema,
  config: StyleGAN2ConfigSchema,
  state: LoopStateSchema,
  plMean: z.number(),
  /** The statistics of the tick under way (empty at a tick's end; older checkpoints have none). */
  tickStats: z.record(z.string(), StatSumsSchema).default({}),
  /** Augmentation (sfc32 state), model mixing/noise, G and G_ema noise (mulberry32 states). */
  rng: z.object({ aug: RngStateSchema, model: z.number(), G: z.number(), Gema: z.number() }),
  kimg: z.number(),
  savedAt: z.string(),
});
export type TrainingCheckpointMeta = z.infer<typeof TrainingCheckpointMetaSchema>;

/** The tensor groups of a training checkpoint (NVlabs: G, D, G_ema and both optimisers). */
export const TRAINING_GROUPS = ['G', 'D', 'G_ema', 'opt/G', 'opt/D'] as const;
export type TrainingGroup = (typeof TRAINING_GROUPS)[number];

export interface TrainingCheckpoint {
  meta: TrainingCheckpointMeta;
  groups: Record<TrainingGroup, PlainWeights>;
}

/** A float32 tensor group as the networks take it; an int32 tensor means a foreign file. */
export function floatGroup(groups: Checkpoint['groups'], group: string, file: string): PlainWeights {
  const tensors: TensorMap | undefined = groups[group];
  if (!tensors)
    throw new UsageError(
      `${file}: checkpoint lacks tensor group ${group}; it was not written by trainer train.`,
    );
  const out: PlainWeights = {};
  for (const [name, t] of Object.entries(tensors)) {
    if (!(t.data instanceof Float32Array))
      throw new UsageError(
        `${file}: tensor ${group}/${name} is ${t.dtype}, not float32; it was not written by trainer train.`,
      );
    out[name] = { shape: t.shape, dtype: 'float32', data: t.data };
  }
  return out;
}

function parseMeta<S extends z.ZodType>(schema: S, meta: unknown, file: string): z.output<S> {
  const result = schema.safeParse(meta);
  if (!result.success)
    throw new UsageError(
      `${file}: not a training checkpoint of this trainer (${describeIssues(result.error, meta, 'metadata')}); pass a network-snapshot-*.ckpt written by trainer train.`,
    );
  return result.data;
}

export function saveTrainingCheckpoint(file: string, ckpt: TrainingCheckpoint, hook?: WriteHook): void {
  saveCheckpoint(file, ckpt, hook);
}

/** Reads and checks a checkpoint written by the trainer (for resume and rollback). */
export function loadTrainingCheckpoint(file: string): TrainingCheckpoint {
  const raw = loadCheckpoint(file);
  const meta = parseMeta(TrainingCheckpointMetaSchema, raw.meta, file);
  const groups = Object.fromEntries(TRAINING_GROUPS.map((g) => [g, floatGroup(raw.groups, g, file)]));
  return { meta, groups: groups as Record<TrainingGroup, PlainWeights> };
}

/** Just what sampling needs: the config and one generator's weights (nanoGPT's sample.py reads the same). */
export function loadGeneratorWeights(
  file: string,
  network: 'G_ema' | 'G',
): { config: StyleGAN2Config; weights: PlainWeights } {
  const raw = loadCheckpoint(file);
  const { config } = parseMeta(z.object({ config: StyleGAN2ConfigSchema }), raw.meta, file);
  return { config, weights: floatGroup(raw.groups, network, file) };
}
