import {
  mergeThresholds,
  REASONS,
  storedThresholds,
  ThresholdsPatchSchema,
  type DecisionOutcome,
  type Thresholds,
  type ThresholdsPatch,
} from '@portrait-forge/curation/decide';
import {
  GALLERY_SORTS,
  MAX_PAGE_SIZE,
  DEFAULT_PAGE_SIZE,
  type GalleryQuery,
  type GalleryTile,
  type Manifest,
} from '@portrait-forge/manifest';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { DecisionsCsvSync } from './csv-sync';
import { RedecideCancelled, type RedecideJobs, type RedecideMode } from './redecide-jobs';
import { resolveInside } from './safe-path';
import { candidatesSql, THRESHOLD_FIELDS, thresholdChecks, thresholdValue } from './thresholds';

export interface ApiContext {
  manifest: Manifest;
  outDir: string;
  /** The last filter run's input folder (source photos), null when unknown. */
  inputRoot: string | null;
  csv: DecisionsCsvSync;
  jobs: RedecideJobs;
}

class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new HttpError(400, `${what}: ${z.prettifyError(result.error)}`);
  return result.data;
}

const flag = z.enum(['1']).optional();
const PageQuery = z.object({
  decision: z.enum(['keep', 'reject']).optional(),
  reason: z.string().max(64).optional(),
  override: z.enum(['keep', 'reject', 'none', 'any']).optional(),
  group: z.coerce.number().int().positive().optional(),
  selection: flag,
  sort: z.enum(GALLERY_SORTS).default('path'),
  dir: z.enum(['asc', 'desc']).default('asc'),
  near: flag,
  after: z.string().max(4096).optional(),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
  total: flag,
});
const Cursor = z.object({ key: z.union([z.number(), z.string(), z.null()]), id: z.number().int() });
const IdParam = z.object({ id: z.coerce.number().int().positive() });
const OverrideBody = z.object({
  decision: z.enum(['keep', 'reject']).nullable(),
  note: z.string().max(1000).optional(),
});
const ThresholdsBody = z.object({ thresholds: ThresholdsPatchSchema });
const MediaParams = z.object({
  kind: z.enum(['thumb', 'aligned', 'source']),
  id: z.coerce.number().int().positive(),
});

/** The stored thresholds with the UI's patch on top (the curation lib's schema checks every key). */
function withPatch(base: Thresholds, patch: ThresholdsPatch): Thresholds {
  try {
    return mergeThresholds(base, patch, 'thresholds');
  } catch (err) {
    throw new HttpError(400, err instanceof Error ? err.message : String(err));
  }
}

interface Preview {
  thresholds: Thresholds;
  /** Files whose decision the thresholds would flip, with their new outcome. */
  flips: Map<number, DecisionOutcome>;
}

export function registerApi(app: FastifyInstance, ctx: ApiContext): void {
  const { manifest } = ctx;
  let preview: Preview | null = null;
  const current = () => storedThresholds(manifest);
  const symmetryBackend = () => {
    const [first] = manifest.galleryPage({ sort: 'symmetry', limit: 1 }).tiles;
    return first ? (manifest.fileDetail(first.id)?.symmetryBackend ?? null) : null;
  };
  const annotate = (t: GalleryTile) => ({ ...t, proposed: preview?.flips.get(t.id) ?? null });
  const changed = () => {
    ctx.csv.schedule();
    return manifest.galleryCounts();
  };

  app.setErrorHandler((err: Error & { statusCode?: number }, _request, reply) => {
    const status = err.statusCode && err.statusCode < 500 ? err.statusCode : 500;
    reply.code(status).send({ error: err.message });
  });

  app.get('/api/config', async () => {
    const thresholds = current();
    return {
      thresholds,
      fields: THRESHOLD_FIELDS.map((f) => ({
        path: f.path,
        label: f.label,
        reason: f.reason,
        nullMeans: f.nullMeans ?? null,
        sort: f.score?.sort ?? null,
        value: thresholdValue(thresholds, f.path),
      })),
      sorts: GALLERY_SORTS,
      reasons: [...REASONS, 'duplicate'],
      pageSize: DEFAULT_PAGE_SIZE,
      sourcesServed: ctx.inputRoot !== null,
    };
  });

  app.get('/api/counts', async () => ({
    ...manifest.galleryCounts(),
    csvPending: ctx.csv.pending,
    csvError: ctx.csv.lastError,
  }));

  app.get('/api/files', async (request) => {
    const q = parse(PageQuery, request.query, 'query');
    let near: number | undefined;
    if (q.near) {
      const field = THRESHOLD_FIELDS.find((f) => f.score?.sort === q.sort);
      const cut = field?.score?.cut(preview?.thresholds ?? current(), symmetryBackend()) ?? null;
      if (cut === null) throw new HttpError(400, `sort ${q.sort} has no threshold to be close to`);
      near = cut;
    }
    if (q.selection && !preview)
      throw new HttpError(409, 'no threshold preview to page through; preview first');
    const query: GalleryQuery = {
      decision: q.decision,
      reason: q.reason || undefined,
      override: q.override,
      duplicateGroup: q.group,
      inSelection: !!q.selection,
      sort: q.sort,
      direction: q.dir,
      near,
      after: q.after ? parse(Cursor, safeJson(q.after), 'after') : null,
      limit: q.limit,
      withTotal: !!q.total,
    };
    const page = manifest.galleryPage(query);
    return { ...page, tiles: page.tiles.map(annotate), near: near ?? null };
  });

  app.get('/api/files/:id', async (request) => {
    const { id } = parse(IdParam, request.params, 'file id');
    const detail = manifest.fileDetail(id);
    if (!detail) throw new HttpError(404, `file id ${id} is not in the manifest`);
    const thresholds = current();
    return {
      ...annotate(detail),
      checks: thresholdChecks(detail.scores, detail.reasons, thresholds, detail.symmetryBackend),
      sourceServed: ctx.inputRoot !== null,
    };
  });

  app.post('/api/files/:id/override', async (request) => {
    const { id } = parse(IdParam, request.params, 'file id');
    const body = parse(OverrideBody, request.body, 'body');
    if (!manifest.fileDetail(id)) throw new HttpError(404, `file id ${id} is not in the manifest`);
    const entry = manifest.setOverride(id, body.decision, body.note ?? 'review UI');
    return { entry, tile: annotate(manifest.fileDetail(id) as GalleryTile), counts: changed() };
  });

  app.post('/api/undo', async () => {
    let entry;
    try {
      entry = manifest.undoLastOverride();
    } catch (err) {
      throw new HttpError(409, err instanceof Error ? err.message : String(err));
    }
    if (!entry) throw new HttpError(409, 'nothing to undo');
    return { entry, tile: annotate(manifest.fileDetail(entry.fileId) as GalleryTile), counts: changed() };
  });

  /** Re-decides every file in the job child; the event loop stays free meanwhile. */
  const redecideAll = async (mode: RedecideMode, thresholds: Thresholds, onlyWhere: string | null = null) => {
    try {
      return await ctx.jobs.run(mode, thresholds, onlyWhere);
    } catch (err) {
      if (err instanceof RedecideCancelled)
        throw new HttpError(409, 'superseded by a newer threshold change');
      throw new HttpError(409, err instanceof Error ? err.message : String(err));
    }
  };

  app.post('/api/thresholds/preview', async (request) => {
    const body = parse(ThresholdsBody, request.body, 'body');
    const thresholds = withPatch(current(), body.thresholds);
    const result = await redecideAll('preview', thresholds, candidatesSql(current(), thresholds));
    const flips = new Map(result.flips.map(({ id, ...outcome }) => [id, outcome]));
    manifest.setGallerySelection([...flips.keys()]);
    preview = { thresholds, flips };
    const toKeep = result.flips.filter((o) => o.decision === 'keep').length;
    return { thresholds, changed: flips.size, toKeep, toReject: flips.size - toKeep };
  });

  app.get('/api/thresholds/progress', async () => ({ running: ctx.jobs.progress }));

  app.delete('/api/thresholds/preview', async () => {
    ctx.jobs.cancel();
    preview = null;
    manifest.setGallerySelection([]);
    return { cleared: true };
  });

  app.post('/api/thresholds/apply', async (request) => {
    const body = parse(ThresholdsBody, request.body, 'body');
    const thresholds = withPatch(current(), body.thresholds);
    const result = await redecideAll('apply', thresholds);
    preview = null;
    manifest.setGallerySelection([]);
    return {
      thresholds,
      files: result.files,
      changed: result.changed,
      runId: result.runId,
      counts: changed(),
    };
  });

  app.get('/media/:kind/:id', async (request, reply) => {
    const { kind, id } = parse(MediaParams, request.params, 'media');
    const paths = manifest.mediaPaths(id);
    if (!paths) throw new HttpError(404, `file id ${id} is not in the manifest`);
    const [root, stored] =
      kind === 'source'
        ? [ctx.inputRoot, paths.path]
        : [ctx.outDir, kind === 'thumb' ? paths.thumbPath : paths.alignedPath];
    if (root === null)
      throw new HttpError(404, 'no input folder recorded (no filter run): sources not served');
    if (stored === null) throw new HttpError(404, `file id ${id} has no ${kind} image`);
    const found = await resolveInside(root, stored);
    if (!found.ok && found.why === 'missing')
      throw new HttpError(404, `the ${kind} image of file id ${id} is gone`);
    if (!found.ok)
      throw new HttpError(403, `refused: the stored ${kind} path of file id ${id} leads outside ${root}`);
    return reply.sendFile(found.relative, found.root);
  });
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, `after: not JSON (pass back the "next" cursor of the previous page)`);
  }
}
