import { DEFAULT_MAX_PIXELS } from '@portrait-forge/image-io';
import {
  decisionInputOf,
  lockManifest,
  Manifest,
  ManifestError,
  type FileRecord,
} from '@portrait-forge/manifest';
import { DEFAULT_DETECTOR, type DetectorKind } from '@portrait-forge/face';
import {
  ensureU2netWeights,
  type SilhouetteChoice,
  type U2netWeightsOptions,
} from '@portrait-forge/symmetry';
import { mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { emptyAnalysis, type Analysis } from './analyse';
import { writeDecisionsCsv } from './csv';
import { decide } from './decide';
import { sha256 } from './hash';
import { WorkerPool, type WorkerPoolOptions } from './pool';
import { fileProblem, problemOf } from './problems';
import { summarise, type Summary } from './summary';
import { photoBrisqueProblem, type Thresholds } from './thresholds';
import {
  readShardDone,
  shardDirName,
  shardLabel,
  shardOf,
  SHARDS_DIR,
  writeShardDone,
  type Shard,
} from './shard';
import { walkImages, type WalkEntry } from './walk';

import { MANIFEST_FILE } from './output-files';

export { MANIFEST_FILE };
/** Files above this are not read (no photo is this big; protects memory). */
export const MAX_FILE_BYTES = 512 * 1024 * 1024;

export interface FilterOptions {
  input: string;
  out: string;
  size: number;
  workers?: number;
  resume?: boolean;
  /**
   * Only this part of the input (shard.ts), into `<out>/shards/K-of-N/` with a completion marker; a
   * finished shard is not re-run, a killed one resumes.
   */
  shard?: Shard;
  /** Remove rows of files no longer under the input (never done otherwise). */
  prune?: boolean;
  detector?: DetectorKind;
  silhouette?: SilhouetteChoice;
  u2netModel?: string;
  thresholds: Thresholds;
  maxPixels?: number;
  /** Whole-photo BRISQUE too (analyse.ts AnalysisConfig.photoBrisque); default false, recorded in the run config. */
  photoBrisque?: boolean;
  /** Called after every file (for the progress bar). */
  onProgress?: (done: number, total: number, path: string) => void;
  log?: (line: string) => void;
  /** Files per manifest transaction (at most; a slow run also commits every FLUSH_EVERY_MS). */
  batchSize?: number;
  /**
   * Stops the run early (the CLI aborts it on SIGINT/SIGTERM): no new file is started, the files in
   * flight finish, every analysed row is committed and the result says `interrupted`; a shard is not
   * marked done, so the next run resumes it.
   */
  signal?: AbortSignal;
  /** Test hooks of the worker pool (fault injection). */
  pool?: WorkerPoolOptions;
  /** Where and from what pin `--silhouette u2net|u2netp` fetches its weights (tests: an unreachable URL). */
  u2netWeights?: Pick<U2netWeightsOptions, 'cacheDir' | 'spec'>;
}

export interface FilterResult {
  manifestPath: string;
  decisionsPath: string;
  /** Files seen (image extensions) / analysed now / skipped by --resume / ignored (other extensions). */
  seen: number;
  analysed: number;
  skipped: number;
  ignored: number;
  /** Rows of files no longer under the input: removed with `prune`, else kept (and counted). */
  missing: number;
  pruned: boolean;
  /** The shard was already complete (its marker exists): nothing was done. */
  alreadyDone: boolean;
  /** Stopped by `signal` before every file was seen (the rows analysed so far are committed). */
  interrupted: boolean;
  summary: Summary;
  elapsedMs: number;
  /** Mean ms per analysed file, per stage. */
  stageMs: Record<string, number>;
  backends: { detector: string; silhouette: string } | null;
}

export const defaultWorkers = () => availableParallelism();

/**
 * A batch is also committed once its oldest row waited this long, so a kill -9 of a slow run (12 MP
 * photos, one worker) loses at most this much work, not batchSize files.
 */
export const FLUSH_EVERY_MS = 2000;

/** Detector scores are on different scales: a resumed run must not mix two detectors' rows. */
function checkSameDetector(manifest: Manifest, manifestPath: string, detector: DetectorKind): void {
  const previous = manifest.lastRun('filter')?.config.detector;
  if (previous !== undefined && previous !== detector) {
    throw new Error(
      `${manifestPath} was filtered with --detector ${previous}; resume with --detector ${previous}, or run without --resume to re-analyse every file with ${detector}`,
    );
  }
}

/** Rows are paths relative to the input root: another root's rows would silently mix with these. */
function checkSameInputRoot(manifest: Manifest, manifestPath: string, input: string): void {
  const previous = manifest.lastRun('filter')?.inputRoot;
  if (previous && previous !== input) {
    throw new ManifestError(
      `${manifestPath} was made from --input ${previous}, not ${input}; filter into another --out (and \`curate merge --from A --from B\` to combine them), or move the old output aside`,
    );
  }
}

/** The folder a run writes to: `out`, or its shard's folder under it. */
export const filterOutDir = (out: string, shard?: Shard): string =>
  shard ? join(out, SHARDS_DIR, shardDirName(shard)) : out;

/**
 * The `filter` pipeline: walk → (resume) → worker pool (decode, face, BRISQUE, symmetry, align)
 * → decide → manifest in batched transactions → decisions.csv. Throws only for a broken manifest or
 * an unusable input folder; every file problem becomes a row with a reason.
 */
export async function runFilter(options: FilterOptions): Promise<FilterResult> {
  const started = performance.now();
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const input = resolve(options.input);
  const { shard } = options;
  const out = filterOutDir(resolve(options.out), shard);
  const manifestPath = join(out, MANIFEST_FILE);
  mkdirSync(out, { recursive: true });
  const lock = lockManifest(manifestPath, shard ? `filter --shard ${shardLabel(shard)}` : 'filter', log);
  let manifest: Manifest;
  try {
    manifest = Manifest.open(manifestPath);
  } catch (err) {
    lock.release();
    throw err;
  }
  try {
    checkSameInputRoot(manifest, manifestPath, input);
    const finished = shard ? readShardDone(out) : null;
    if (finished) {
      log(
        `shard ${finished.shard} already finished at ${finished.finishedAt} (${out}); delete its done.json to re-run it`,
      );
      const files = manifest.files({ faces: false });
      return {
        manifestPath,
        decisionsPath: join(out, 'decisions.csv'),
        seen: 0,
        analysed: 0,
        skipped: 0,
        ignored: 0,
        missing: 0,
        pruned: false,
        alreadyDone: true,
        interrupted: false,
        summary: summarise(files),
        elapsedMs: performance.now() - started,
        stageMs: {},
        backends: null,
      };
    }
    const walked = await walkImages(input).catch((err: unknown) => {
      throw new Error(
        `cannot read input folder ${input} (${err instanceof Error ? err.message : err}); pass --input DIR`,
        { cause: err },
      );
    });
    const { ignored } = walked;
    const entries = shard
      ? walked.entries.filter((e) => shardOf(e.path, shard.count) === shard.index)
      : walked.entries;
    // An explicit U-2-Net choice gets its weights before the first file, or the run stops here.
    const silhouette = options.silhouette ?? 'auto';
    const u2netModel =
      options.u2netModel ??
      (silhouette === 'u2net' || silhouette === 'u2netp'
        ? await ensureU2netWeights(silhouette, { ...options.u2netWeights, log })
        : undefined);
    const known = manifest.knownHashes();
    const present = new Set(entries.map((e) => e.path));
    const missing = [...known.keys()].filter((p) => !present.has(p));
    if (options.prune) manifest.deleteFiles(missing);
    if (missing.length)
      log(
        options.prune
          ? `--prune: removed ${missing.length} row(s) of files no longer under ${input}`
          : `${missing.length} row(s) of files no longer under ${input} kept; pass --prune to remove them`,
      );

    const detector = options.detector ?? DEFAULT_DETECTOR;
    // A shard's re-run is its resume: that is what makes a killed array task restartable as it is.
    const resume = (options.resume ?? false) || shard !== undefined;
    if (resume) checkSameDetector(manifest, manifestPath, detector);
    const workers = Math.max(1, options.workers ?? defaultWorkers());
    const config = {
      input,
      size: options.size,
      workers,
      resume,
      detector,
      silhouette,
      maxPixels: options.maxPixels ?? DEFAULT_MAX_PIXELS,
      photoBrisque: options.photoBrisque ?? false,
      ...(shard ? { shard: shardLabel(shard) } : {}),
      ...(options.prune ? { prune: true } : {}),
    };
    const unscored = photoBrisqueProblem(options.thresholds, config.photoBrisque);
    if (unscored) throw new Error(unscored);
    const runId = manifest.startRun({
      kind: 'filter',
      inputRoot: input,
      config,
      thresholds: { ...options.thresholds },
      versions: { node: process.version },
    });

    let pool: WorkerPool | null = null;
    let backends: FilterResult['backends'] = null;
    const getPool = async () => {
      if (!pool) {
        pool = new WorkerPool(
          workers,
          {
            outDir: out,
            size: options.size,
            detector: config.detector,
            silhouette: config.silhouette,
            u2netModel,
            face: { ...options.thresholds.face, targetSize: options.size },
            maxPixels: config.maxPixels,
            thumbSize: 256,
            photoBrisque: config.photoBrisque,
          },
          log,
          options.pool,
        );
        backends = await pool.ready();
        log(`models: detector ${backends.detector}, silhouette ${backends.silhouette}; ${workers} worker(s)`);
      }
      return pool;
    };

    const pending: FileRecord[] = [];
    const batchSize = options.batchSize ?? 32;
    let oldestPendingAt = 0;
    const flush = () => {
      if (pending.length) manifest.writeFiles(pending.splice(0), runId);
    };
    const stageTotals: Record<string, number> = {};
    let analysed = 0;
    let skipped = 0;
    let done = 0;

    const record = (entry: WalkEntry, hash: string | null, analysis: Analysis): FileRecord => {
      const partial: FileRecord = {
        path: entry.path,
        size: entry.size,
        mtimeMs: entry.mtimeMs,
        sha256: hash,
        ...analysis,
        decision: 'reject',
        reasons: [],
      };
      return { ...partial, ...decide(decisionInputOf(partial), options.thresholds) };
    };

    const processEntry = async (entry: WalkEntry): Promise<FileRecord | null> => {
      if (entry.kind === 'problem') return record(entry, null, emptyAnalysis(entry.problem));
      if (entry.size > MAX_FILE_BYTES) {
        return record(
          entry,
          null,
          emptyAnalysis(
            fileProblem('unreadable', `file is ${entry.size} bytes, above the ${MAX_FILE_BYTES}-byte limit`),
          ),
        );
      }
      let buffer: Buffer;
      try {
        buffer = await readFile(entry.absolute);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        const why =
          code === 'EACCES' ? 'permission denied; fix its permissions (chmod a+r)' : `${code ?? err}`;
        return record(entry, null, emptyAnalysis(fileProblem('unreadable', why)));
      }
      const hash = sha256(buffer);
      if (resume && known.get(entry.path) === hash) {
        skipped++;
        return null;
      }
      if (buffer.length === 0)
        return record(entry, hash, emptyAnalysis(fileProblem('decode_error', 'file is empty (0 bytes)')));
      const worker = await getPool();
      const bytes = new Uint8Array(
        buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength),
      );
      let analysis: Analysis;
      try {
        analysis = await worker.run({ path: entry.path, sha256: hash, buffer: bytes });
      } catch (err) {
        analysis = emptyAnalysis(problemOf(err));
      }
      analysed++;
      for (const [stage, ms] of Object.entries(analysis.stageMs))
        stageTotals[stage] = (stageTotals[stage] ?? 0) + ms;
      return record(entry, hash, analysis);
    };

    // Keep every worker busy plus one file read ahead each.
    const inFlight = new Set<Promise<void>>();
    let interrupted = false;
    for (const entry of entries) {
      if (options.signal?.aborted) {
        interrupted = true;
        break;
      }
      const task: Promise<void> = processEntry(entry).then((rec) => {
        if (rec && pending.push(rec) === 1) oldestPendingAt = performance.now();
        if (pending.length >= batchSize || performance.now() - oldestPendingAt >= FLUSH_EVERY_MS) flush();
        options.onProgress?.(++done, entries.length, entry.path);
      });
      const tracked = task.finally(() => inFlight.delete(tracked));
      inFlight.add(tracked);
      if (inFlight.size >= workers * 2) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
    flush();
    if (pool) await (pool as WorkerPool).close();

    const files = manifest.files();
    const summary = summarise(files);
    const counts = {
      files: summary.total,
      kept: summary.kept,
      analysed,
      skipped,
      ignored,
      ...summary.byReason,
      ...(interrupted ? { interrupted: 1 } : {}),
    };
    manifest.endRun(runId, counts);
    const decisionsPath = writeDecisionsCsv(manifest, files);
    if (shard && !interrupted)
      writeShardDone(out, {
        shard: shardLabel(shard),
        inputRoot: input,
        finishedAt: new Date().toISOString(),
        counts,
      });
    const stageMs = Object.fromEntries(
      Object.entries(stageTotals).map(([k, v]) => [k, analysed ? v / analysed : 0]),
    );
    return {
      manifestPath,
      decisionsPath,
      seen: entries.length,
      analysed,
      skipped,
      ignored,
      missing: missing.length,
      pruned: options.prune ?? false,
      alreadyDone: false,
      interrupted,
      summary,
      elapsedMs: performance.now() - started,
      stageMs,
      backends,
    };
  } finally {
    manifest.close();
    lock.release();
  }
}
