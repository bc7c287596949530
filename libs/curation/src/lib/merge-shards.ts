import {
  ManifestError,
  mergeManifests,
  mergeSource,
  Manifest,
  type MergeResult,
} from '@portrait-forge/manifest';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeDecisionsCsv } from './csv';
import { decideAll } from './decide';
import { MANIFEST_FILE } from './filter';
import { listShardDirs, shardLabel } from './shard';
import { storedThresholds } from './thresholds';

export interface MergeShardsResult extends MergeResult {
  manifestPath: string;
  decisionsPath: string;
  sources: string[];
}

/**
 * The manifests `curate merge` gathers: `from` (output folders of filter runs), or else every shard
 * under `out/shards/`, all of which must have finished (a missing or running shard is named).
 */
function sourceManifests(out: string, from: readonly string[]): string[] {
  if (from.length) {
    return from.map((dir) => {
      const file = join(resolve(dir), MANIFEST_FILE);
      if (!existsSync(file))
        throw new ManifestError(`--from ${dir}: no ${MANIFEST_FILE} there; pass a filter --out folder`);
      if (resolve(file) === join(out, MANIFEST_FILE))
        throw new ManifestError(`--from ${dir} is the --out folder itself; merge other folders into it`);
      return file;
    });
  }
  const shards = listShardDirs(out);
  if (shards.length === 0)
    throw new ManifestError(
      `${out}: no shards/K-of-N folders; run \`curate filter --shard K/N --out ${out}\` first, or pass --from DIR`,
    );
  const count = shards[0].shard.count;
  const present = new Set(shards.map((s) => s.shard.index));
  const absent = Array.from({ length: count }, (_, i) => i).filter((i) => !present.has(i));
  const unfinished = shards.filter((s) => !s.done).map((s) => shardLabel(s.shard));
  if (absent.length || unfinished.length) {
    throw new ManifestError(
      `${out}: not every shard has finished (${[
        ...absent.map((i) => `${i}/${count} not started`),
        ...unfinished.map((l) => `${l} running or killed`),
      ].join(', ')}); run them (a killed one resumes) and merge again`,
    );
  }
  return shards.map((s) => join(s.dir, MANIFEST_FILE));
}

/**
 * `curate merge`: shard (or --from) manifests into `out`'s manifest.sqlite, re-decided with the
 * thresholds last stored (so a `decide` made on the merged manifest survives a re-merge), then
 * decisions.csv rewritten from it.
 */
export function mergeShards(
  outDir: string,
  options: { from?: readonly string[]; log?: (line: string) => void } = {},
): MergeShardsResult {
  const out = resolve(outDir);
  const manifestPath = join(out, MANIFEST_FILE);
  const sources = sourceManifests(out, options.from ?? []).map((f) => mergeSource(manifestPath, f));
  const result = mergeManifests(manifestPath, sources, {
    log: options.log,
    finish: (merged) => {
      const { changes } = decideAll(merged.decisionInputs(), storedThresholds(merged));
      merged.updateDecisions(changes.map((c) => ({ id: c.id, ...c.to })));
    },
  });
  const manifest = Manifest.open(manifestPath);
  try {
    return {
      ...result,
      manifestPath,
      decisionsPath: writeDecisionsCsv(manifest),
      sources: sources.map((s) => s.label),
    };
  } finally {
    manifest.close();
  }
}
