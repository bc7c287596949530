import { z } from 'zod';

/** The config each kind of run stores (config_json), checked on write and when read back. */
export const RUN_CONFIGS = {
  filter: z.object({
    input: z.string(),
    size: z.number().int().positive(),
    workers: z.number().int().positive(),
    resume: z.boolean(),
    /** A DetectorKind of @portrait-forge/face (its score scale sets the face cuts). */
    detector: z.string(),
    silhouette: z.string(),
    maxPixels: z.number().int().positive(),
    /** Whether the whole-photo BRISQUE was scored (null in every row when not); runs before the flag always did. */
    photoBrisque: z.boolean().default(true),
    /** `K/N` of `--shard` (absent: the whole input). */
    shard: z.string().optional(),
    prune: z.boolean().optional(),
  }),
  /** `curate merge`: the manifests merged (relative to the merged one's folder). */
  merge: z.object({ sources: z.array(z.string()) }),
  decide: z.object({}),
  /** `review --apply FILE`, or a session of the review server (libs/review-server). */
  review: z.union([z.object({ file: z.string() }), z.object({ ui: z.literal(true), host: z.string() })]),
  dedupe: z.object({ distance: z.number().int().min(0), exactOnly: z.boolean() }),
} as const;

export type RunKind = keyof typeof RUN_CONFIGS;
export const RUN_KINDS = Object.keys(RUN_CONFIGS) as RunKind[];
export type RunConfig<K extends RunKind> = z.infer<(typeof RUN_CONFIGS)[K]>;

/**
 * Thresholds as stored (thresholds_json): the curation lib owns their schema and parses them
 * (storedThresholds), so they stay opaque here.
 */
export type StoredThresholds = Record<string, unknown>;

/** What a new run row records. */
export type NewRun<K extends RunKind = RunKind> = {
  [P in K]: {
    kind: P;
    inputRoot: string | null;
    config: RunConfig<P>;
    thresholds: StoredThresholds;
    versions: Record<string, unknown>;
  };
}[K];

/** One row of `runs` as read back, typed by its kind. */
export type RunInfo<K extends RunKind = RunKind> = {
  [P in K]: {
    id: number;
    kind: P;
    inputRoot: string | null;
    config: RunConfig<P>;
    thresholds: StoredThresholds;
    versions: Record<string, unknown>;
    startedAt: string;
    endedAt: string | null;
    counts: Record<string, number> | null;
  };
}[K];

const jsonObject = z.record(z.string(), z.unknown());

const runRow = z.object({
  id: z.number().int(),
  kind: z.enum(RUN_KINDS as [RunKind, ...RunKind[]]),
  input_root: z.string().nullable(),
  config_json: z.string(),
  thresholds_json: z.string(),
  versions_json: z.string(),
  started_at: z.string(),
  ended_at: z.string().nullable(),
  counts_json: z.string().nullable(),
});

/** Checks a new run's config against its kind's schema (a bug if it fails: the caller built it). */
export function checkedRunConfig<K extends RunKind>(kind: K, config: unknown): RunConfig<K> {
  return RUN_CONFIGS[kind].parse(config) as RunConfig<K>;
}

/** Decodes a `runs` row; errors name the manifest, the run and the field. */
export function decodeRun(row: unknown, file: string): RunInfo {
  const fail = (what: string, err: unknown): never => {
    const detail = err instanceof z.ZodError ? z.prettifyError(err) : String(err);
    throw new Error(
      `${file}: run ${(row as { id?: unknown })?.id ?? '?'} has an unreadable ${what} (${detail}); it was written by an incompatible build — re-run filter into a new --out`,
    );
  };
  const r = runRow.safeParse(row);
  if (!r.success) return fail('row', r.error);
  const { data } = r;
  const json = (what: string, text: string): Record<string, unknown> => {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      return fail(what, err);
    }
    const parsed = jsonObject.safeParse(value);
    return parsed.success ? parsed.data : fail(what, parsed.error);
  };
  const config = RUN_CONFIGS[data.kind].safeParse(json('config_json', data.config_json));
  if (!config.success) return fail('config_json', config.error);
  const counts =
    data.counts_json === null
      ? null
      : z.record(z.string(), z.number()).safeParse(json('counts_json', data.counts_json));
  if (counts && !counts.success) return fail('counts_json', counts.error);
  return {
    id: data.id,
    kind: data.kind,
    inputRoot: data.input_root,
    config: config.data,
    thresholds: json('thresholds_json', data.thresholds_json),
    versions: json('versions_json', data.versions_json),
    startedAt: data.started_at,
    endedAt: data.ended_at,
    counts: counts ? counts.data : null,
  } as RunInfo;
}
