import { z } from 'zod';
import {
  StyleGAN2ConfigSchema,
  stylegan2Config,
  type PlainWeights,
  type StyleGAN2Config,
} from '@portrait-forge/stylegan2';
import { UsageError } from '@portrait-forge/cli';
import { loadCheckpoint, saveCheckpoint, type Checkpoint } from './checkpoint';
import { describeIssues } from './options';
import { floatGroup } from './training-checkpoint';

/**
 * A checkpoint with networks only (G, D, G_ema and their config), no optimiser or loop state: what an
 * NVlabs pickle converts into. `trainer generate` samples it and `trainer train --resume` starts a new
 * run from it (transfer learning); it cannot be continued as a run.
 */
export const NETWORK_CHECKPOINT_FORMAT = 'portrait-forge-stylegan2-network/1';
export const NETWORK_GROUPS = ['G', 'D', 'G_ema'] as const;
export type NetworkGroup = (typeof NETWORK_GROUPS)[number];

export const NetworkCheckpointMetaSchema = z.object({
  format: z.literal(NETWORK_CHECKPOINT_FORMAT),
  config: StyleGAN2ConfigSchema,
  /** Where the networks came from (the pickle converted). */
  source: z.string(),
  /** What the conversion could not reproduce (conv_clamp, fp16 layers). */
  notes: z.array(z.string()),
});
export type NetworkCheckpointMeta = z.infer<typeof NetworkCheckpointMetaSchema>;

/** The intermediate file tools/convert/convert.py `from-pkl` writes: NVlabs' config in our field names. */
export const NVLABS_IMPORT_FORMAT = 'nvlabs-import/1';
const NvlabsImportMetaSchema = z.object({
  format: z.literal(NVLABS_IMPORT_FORMAT),
  network: StyleGAN2ConfigSchema.pick({
    resolution: true,
    channels: true,
    zDim: true,
    wDim: true,
    mappingLayers: true,
    mappingLrMultiplier: true,
    wAvgBeta: true,
    channelBase: true,
    channelMax: true,
    mbstdGroupSize: true,
    gArchitecture: true,
    dArchitecture: true,
  }),
  notes: z.array(z.string()),
  /** Our meta when the pickle was written by `trainer convert` (its config comes back unchanged). */
  original: z.object({ config: StyleGAN2ConfigSchema }).passthrough().nullable(),
});

function parseMeta<S extends z.ZodType>(schema: S, meta: unknown, file: string, what: string): z.output<S> {
  const result = schema.safeParse(meta);
  if (!result.success)
    throw new UsageError(`${file}: ${what} (${describeIssues(result.error, meta, 'metadata')})`);
  return result.data;
}

/**
 * Our config for imported NVlabs networks: the pickle's own config when we wrote it, else the
 * `stylegan2` preset (SG2 paper hyper-parameters) with the pickle's network shape.
 */
function importedConfig(meta: z.infer<typeof NvlabsImportMetaSchema>): StyleGAN2Config {
  if (meta.original) return meta.original.config;
  const { resolution, channels } = meta.network;
  if (channels !== 1 && channels !== 3)
    throw new UsageError(`NVlabs network has ${String(channels)} image channels; only 1 and 3 are supported`);
  const base = stylegan2Config('stylegan2', { resolution, channels });
  return { ...base, ...meta.network, mbstdGroupSize: Math.min(meta.network.mbstdGroupSize, base.batch) };
}

/** Turns convert.py's intermediate file into a network checkpoint at `out` (atomic write). */
export function completeNvlabsImport(
  intermediate: string,
  out: string,
  source: string,
): NetworkCheckpointMeta {
  const raw = loadCheckpoint(intermediate);
  const imported = parseMeta(
    NvlabsImportMetaSchema,
    raw.meta,
    intermediate,
    'not written by convert.py from-pkl',
  );
  const meta: NetworkCheckpointMeta = {
    format: NETWORK_CHECKPOINT_FORMAT,
    config: importedConfig(imported),
    source,
    notes: imported.notes,
  };
  const groups = Object.fromEntries(NETWORK_GROUPS.map((g) => [g, raw.groups[g]])) as Checkpoint['groups'];
  saveCheckpoint(out, { meta, groups });
  return meta;
}

export function saveNetworkCheckpoint(
  file: string,
  meta: NetworkCheckpointMeta,
  groups: Record<NetworkGroup, PlainWeights>,
): void {
  saveCheckpoint(file, { meta, groups });
}

/** G, D and G_ema with their config, from a training checkpoint or a network checkpoint. */
export function loadNetworks(file: string): {
  config: StyleGAN2Config;
  groups: Record<NetworkGroup, PlainWeights>;
} {
  const raw = loadCheckpoint(file);
  const { config } = parseMeta(
    z.object({ config: StyleGAN2ConfigSchema }),
    raw.meta,
    file,
    'not a checkpoint of this trainer; pass a network-snapshot-*.ckpt or a pickle converted by trainer convert',
  );
  const groups = Object.fromEntries(NETWORK_GROUPS.map((g) => [g, floatGroup(raw.groups, g, file)]));
  return { config, groups: groups as Record<NetworkGroup, PlainWeights> };
}
