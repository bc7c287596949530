import { UsageError } from '@portrait-forge/cli';
import type { ParamStore, StyleGAN2Config } from '@portrait-forge/stylegan2';

/** The config fields that fix the tensors' shapes: a transfer source must agree on all of them. */
const ARCHITECTURE_FIELDS = [
  'resolution',
  'channels',
  'zDim',
  'wDim',
  'mappingLayers',
  'channelBase',
  'channelMax',
  'gArchitecture',
  'dArchitecture',
] as const satisfies readonly (keyof StyleGAN2Config)[];

/** Throws naming every architecture field where the new run differs from the network it starts from. */
export function checkTransferArchitecture(run: StyleGAN2Config, source: StyleGAN2Config, file: string): void {
  const diff = ARCHITECTURE_FIELDS.filter((k) => run[k] !== source[k]);
  if (diff.length)
    throw new UsageError(
      `--resume ${file}: its networks do not fit this run: ${diff
        .map((k) => `${k} is ${JSON.stringify(source[k])} there, ${JSON.stringify(run[k])} here`)
        .join('; ')}. Pass --res/--gray/--cfg/--cbase/--cmax/--map to match it.`,
    );
}

/** Order of a D block's layers in SG2-ADA's DiscriminatorBlock (its trainable_gen). */
const BLOCK_LAYERS = ['fromrgb', 'conv0', 'conv1', 'skip'];
const D_LAYER_RE = /^b(\d+)\.(fromrgb|conv0|conv1|skip)\./;

/**
 * SG2-ADA `--freezed N`: the first N layers of D, counted from the highest-resolution block (fromrgb,
 * conv0, conv1, skip in each), are not trained. Returns the frozen layer names.
 */
export function freezeDiscriminatorLayers(D: ParamStore, count: number): string[] {
  if (count <= 0) return [];
  const layers = new Set<string>();
  for (const name of D.names()) {
    const m = D_LAYER_RE.exec(name);
    if (m) layers.add(`b${m[1]}.${m[2]}`);
  }
  const ordered = [...layers].sort((a, b) => {
    const [ra, la] = a.slice(1).split('.');
    const [rb, lb] = b.slice(1).split('.');
    return Number(rb) - Number(ra) || BLOCK_LAYERS.indexOf(la) - BLOCK_LAYERS.indexOf(lb);
  });
  if (count > ordered.length)
    throw new UsageError(
      `--freezed ${count}: D has only ${ordered.length} block layers (the epilogue is never frozen)`,
    );
  const frozen = ordered.slice(0, count);
  for (const [name, v] of D.entries()) if (frozen.some((l) => name.startsWith(`${l}.`))) v.trainable = false;
  return frozen;
}
