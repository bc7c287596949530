import { availableParallelism } from 'node:os';
import { isMainThread } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import {
  ortConvStats,
  ortConvThreads,
  registerOrtConvKernels,
  unregisterOrtConvKernels,
} from './ort-conv-kernels';
import { registerWasmTrainingShims } from './wasm-training-shims';

/** tfjs backends in order of preference. `tensorflow` is what tfjs-node(-gpu) registers. */
export const BACKEND_PREFERENCE = ['tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu'] as const;
export type BackendChoice = (typeof BACKEND_PREFERENCE)[number];

export interface BackendAttempt {
  choice: BackendChoice;
  ok: boolean;
  reason?: string;
}

export interface TfRuntime {
  tf: typeof tf;
  /** What was chosen (`tfjs-node-gpu`, `tfjs-node`, `wasm`, `cpu`). */
  choice: BackendChoice;
  /** tfjs' own backend name (`tensorflow`, `wasm`, `cpu`). */
  backendName: string;
  attempts: BackendAttempt[];
  /** Threads of the onnxruntime conv kernels on wasm; undefined when they are off or could not load. */
  ortConvThreads: number | undefined;
  /** Why the onnxruntime conv kernels are not in use, when they were asked for on wasm. */
  ortConvUnavailable?: string;
}

export interface InitTfOptions {
  /** Force one backend, or `auto`. Defaults to env PORTRAIT_FORGE_BACKEND, then `auto`. */
  backend?: BackendChoice | 'auto';
  /** Where to print the chosen backend; pass `() => undefined` for silence. */
  log?: (line: string) => void;
  /** Injected module loader, so tests can pretend optional modules are present or absent. */
  requireModule?: (id: string) => unknown;
  /**
   * Run wasm's convolutions in onnxruntime-node's native kernels. Defaults to env
   * PORTRAIT_FORGE_ORT_CONV (1 / 0), then ORT_CONV_DEFAULT. Ignored on tfjs-node(-gpu) and cpu.
   */
  ortConv?: boolean;
  /**
   * Threads for those kernels. Defaults to env PORTRAIT_FORGE_THREADS, then the cores this process may
   * use (1 in a worker thread).
   */
  threads?: number;
}

/**
 * On: StyleGAN2 training measured 1.5–2.8× faster with them (README "onnxruntime conv kernels"). The
 * curation nets (face detectors, landmarks, silhouettes) measured slower and pass `ortConv: false`.
 */
export const ORT_CONV_DEFAULT = true;

const MODULE_OF: Record<BackendChoice, string> = {
  'tfjs-node-gpu': '@tensorflow/tfjs-node-gpu',
  'tfjs-node': '@tensorflow/tfjs-node',
  wasm: '@tensorflow/tfjs-backend-wasm',
  cpu: '@tensorflow/tfjs-backend-cpu',
};

const TF_NAME_OF: Record<BackendChoice, string> = {
  'tfjs-node-gpu': 'tensorflow',
  'tfjs-node': 'tensorflow',
  wasm: 'wasm',
  cpu: 'cpu',
};

export function isBackendChoice(value: string): value is BackendChoice {
  return (BACKEND_PREFERENCE as readonly string[]).includes(value);
}

function candidates(requested: BackendChoice | 'auto'): BackendChoice[] {
  return requested === 'auto' ? [...BACKEND_PREFERENCE] : [requested];
}

function requestedBackend(opt: InitTfOptions['backend']): BackendChoice | 'auto' {
  const value = opt ?? process.env['PORTRAIT_FORGE_BACKEND'] ?? 'auto';
  if (value === 'auto' || isBackendChoice(value)) return value;
  throw new Error(
    `Unknown tfjs backend "${value}" (from --backend or PORTRAIT_FORGE_BACKEND); use one of auto, ${BACKEND_PREFERENCE.join(', ')}.`,
  );
}

function requestedOrtConv(opt: boolean | undefined): boolean {
  if (opt !== undefined) return opt;
  const value = process.env['PORTRAIT_FORGE_ORT_CONV'];
  if (value === undefined || value === '') return ORT_CONV_DEFAULT;
  if (value === '1' || value === '0') return value === '1';
  throw new Error(`PORTRAIT_FORGE_ORT_CONV must be 1 or 0, got "${value}".`);
}

/** The cores this process may use — or 1 in a worker thread: curation runs one worker per core. */
export function defaultThreads(mainThread = isMainThread): number {
  return mainThread ? availableParallelism() : 1;
}

/** --threads / PORTRAIT_FORGE_THREADS, else defaultThreads(). */
export function requestedThreads(opt?: number): number {
  const raw = opt ?? process.env['PORTRAIT_FORGE_THREADS'];
  if (raw === undefined || raw === '') return defaultThreads();
  const threads = Number(raw);
  if (!Number.isInteger(threads) || threads < 1) {
    throw new Error(
      `Thread count must be a whole number ≥ 1 (--threads or PORTRAIT_FORGE_THREADS), got "${raw}".`,
    );
  }
  return threads;
}

let current: TfRuntime | undefined;

/**
 * A later initTf in the same process: the first call decided the kernels (they are process-wide);
 * only an explicit `ortConv: true` or a new `threads` for kernels already on changes them.
 */
function reconfigureOrtConv(runtime: TfRuntime, options: InitTfOptions, log: (line: string) => void): void {
  const on = runtime.ortConvThreads !== undefined;
  if (options.ortConv === false) {
    if (on)
      log('backend: onnxruntime conv kernels stay on (an earlier initTf in this process turned them on)');
    return;
  }
  if (options.ortConv !== true && !(on && options.threads !== undefined)) return;
  const threads = requestedThreads(options.threads);
  if (threads === runtime.ortConvThreads) return;
  const label = applyOrtConv(runtime, threads, options);
  log(`backend: ${label}${ortConvNote(runtime)}`);
}

const ortConvNote = (runtime: TfRuntime) =>
  runtime.ortConvUnavailable ? ` (onnxruntime conv kernels not used: ${runtime.ortConvUnavailable})` : '';

/** Installs (or reconfigures) the ORT conv kernels on wasm; the label for the log line. */
function applyOrtConv(runtime: TfRuntime, threads: number | undefined, options: InitTfOptions): string {
  if (runtime.choice !== 'wasm' || threads === undefined) return runtime.choice;
  try {
    registerOrtConvKernels({ threads, requireModule: options.requireModule });
    runtime.ortConvThreads = ortConvThreads();
    runtime.ortConvUnavailable = undefined;
    const block = ortConvStats()?.nchwcBlock ?? 1;
    const blocks = block > 1 ? `, NCHWc blocks of ${block}` : '';
    return `wasm + onnxruntime conv kernels (${threads} thread${threads === 1 ? '' : 's'}${blocks})`;
  } catch (err) {
    runtime.ortConvUnavailable = firstLine(err);
    return 'wasm';
  }
}

/**
 * Picks and initialises the best installed tfjs backend (tfjs-node-gpu → tfjs-node → wasm → cpu),
 * logs which one runs and why better ones did not, and installs the wasm training shims.
 */
export async function initTf(options: InitTfOptions = {}): Promise<TfRuntime> {
  const requested = requestedBackend(options.backend);
  const log = options.log ?? ((line: string) => process.stderr.write(line + '\n'));
  const ortThreads = requestedOrtConv(options.ortConv) ? requestedThreads(options.threads) : undefined;
  if (current && (requested === 'auto' || requested === current.choice)) {
    if (current.choice === 'wasm') reconfigureOrtConv(current, options, log);
    return current;
  }
  const load = options.requireModule ?? ((id: string) => require(id));
  const attempts: BackendAttempt[] = [];
  for (const choice of candidates(requested)) {
    try {
      load(MODULE_OF[choice]);
      if (choice === 'wasm') registerWasmTrainingShims();
      const ok = await tf.setBackend(TF_NAME_OF[choice]);
      if (!ok) throw new Error(`tf.setBackend('${TF_NAME_OF[choice]}') returned false`);
      await tf.ready();
      attempts.push({ choice, ok: true });
      current = { tf, choice, backendName: tf.getBackend(), attempts, ortConvThreads: undefined };
      const label = applyOrtConv(current, ortThreads, options);
      const skipped = attempts
        .filter((a) => !a.ok)
        .map((a) => `${a.choice}: ${a.reason}`)
        .join('; ');
      log(`backend: ${label}${skipped ? ` (not used: ${skipped})` : ''}${ortConvNote(current)}`);
      return current;
    } catch (err) {
      attempts.push({ choice, ok: false, reason: firstLine(err) });
    }
  }
  throw new Error(
    `No tfjs backend could be initialised: ${attempts.map((a) => `${a.choice}: ${a.reason}`).join('; ')}`,
  );
}

function firstLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  if (/Cannot find module/.test(message)) return 'not installed';
  return message.split('\n')[0];
}

/** For tests: forget the initialised runtime. */
export function resetTfRuntimeForTests(): void {
  current = undefined;
  unregisterOrtConvKernels();
}

/**
 * For the wasm kernel specs: a fresh runtime on plain wasm — the kernels themselves, not the onnxruntime
 * ones that replace some by default — with the cpu backend's "install tfjs-node" banner silenced.
 */
export async function plainWasmForTests(): Promise<TfRuntime['tf']> {
  resetTfRuntimeForTests();
  const { tf } = await initTf({ backend: 'wasm', ortConv: false, log: () => undefined });
  tf.env().set('IS_TEST', true);
  return tf;
}
