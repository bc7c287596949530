import * as tf from '@tensorflow/tfjs';
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
}

export interface InitTfOptions {
  /** Force one backend, or `auto`. Defaults to env PORTRAIT_FORGE_BACKEND, then `auto`. */
  backend?: BackendChoice | 'auto';
  /** Where to print the chosen backend; pass `() => undefined` for silence. */
  log?: (line: string) => void;
  /** Injected module loader, so tests can pretend optional modules are present or absent. */
  requireModule?: (id: string) => unknown;
}

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

let current: TfRuntime | undefined;

/**
 * Picks and initialises the best installed tfjs backend (tfjs-node-gpu → tfjs-node → wasm → cpu),
 * logs which one runs and why better ones did not, and installs the wasm training shims.
 */
export async function initTf(options: InitTfOptions = {}): Promise<TfRuntime> {
  const requested = requestedBackend(options.backend);
  if (current && (requested === 'auto' || requested === current.choice)) return current;
  const load = options.requireModule ?? ((id: string) => require(id));
  const log = options.log ?? ((line: string) => process.stderr.write(line + '\n'));
  const attempts: BackendAttempt[] = [];
  for (const choice of candidates(requested)) {
    try {
      load(MODULE_OF[choice]);
      if (choice === 'wasm') registerWasmTrainingShims();
      const ok = await tf.setBackend(TF_NAME_OF[choice]);
      if (!ok) throw new Error(`tf.setBackend('${TF_NAME_OF[choice]}') returned false`);
      await tf.ready();
      attempts.push({ choice, ok: true });
      current = { tf, choice, backendName: tf.getBackend(), attempts };
      const skipped = attempts
        .filter((a) => !a.ok)
        .map((a) => `${a.choice}: ${a.reason}`)
        .join('; ');
      log(`backend: ${choice}${skipped ? ` (not used: ${skipped})` : ''}`);
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
}
