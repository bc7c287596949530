/**
 * onnxruntime-node's synchronous native session. The public `InferenceSession.run` is async (it wraps
 * this binding in `setImmediate`), but tfjs kernels must return synchronously, so the kernels use the
 * binding behind the public class: `onnxruntime-node/dist/binding` (`binding.InferenceSession`,
 * `initOrt`). That is an internal of the package, so its version is pinned exactly in package.json and
 * ort-binding.spec.ts fails loudly when an upgrade moves or changes it.
 */
import { floatValue, writeOnnxModel } from './onnx-model';

/** The onnxruntime-node version whose internals this module was written against. */
export const ORT_NODE_VERSION = '1.30.0';

export interface OrtTensor {
  readonly type: string;
  readonly dims: readonly number[];
  readonly data: unknown;
}

type TensorConstructor = new (type: 'float32', data: Float32Array, dims: readonly number[]) => OrtTensor;

export interface OrtSessionOptions {
  intraOpNumThreads: number;
}

interface NativeSession {
  loadModel(buffer: ArrayBuffer, byteOffset: number, byteLength: number, options: object): void;
  run(
    feeds: Record<string, OrtTensor>,
    fetches: Record<string, OrtTensor | null>,
    options: object,
  ): Record<string, OrtTensor>;
  dispose(): void;
}

interface BindingModule {
  binding: { InferenceSession: new () => NativeSession };
  initOrt: () => void;
}

export interface SyncSession {
  /**
   * Runs the model synchronously. Outputs given in `outputs` are written in place (no copy back):
   * pass views onto the memory the result must land in; a `null` output is allocated by ORT and returned.
   */
  run(feeds: Record<string, OrtTensor>, outputs: Record<string, OrtTensor | null>): Record<string, OrtTensor>;
  dispose(): void;
}

export interface OrtRuntime {
  createSession(model: Uint8Array, options: OrtSessionOptions): SyncSession;
  /** An ORT tensor over `data` (no copy). */
  tensor(data: Float32Array, dims: readonly number[]): OrtTensor;
  version: string;
}

/**
 * Loads onnxruntime-node's native binding, or throws saying why (not installed, wrong version, the
 * internal moved, the native library failed to load).
 */
export function loadOrtRuntime(requireModule: (id: string) => unknown = require): OrtRuntime {
  const { version } = requireModule('onnxruntime-node/package.json') as { version: string };
  if (version !== ORT_NODE_VERSION) {
    throw new Error(
      `onnxruntime-node ${version} is installed but the ORT conv kernels use its internal binding as of ${ORT_NODE_VERSION}; install onnxruntime-node@${ORT_NODE_VERSION} or re-check libs/tf-runtime/src/lib/ort-binding.ts against the new version.`,
    );
  }
  const { Tensor } = requireModule('onnxruntime-node') as { Tensor: TensorConstructor };
  const internal = requireModule('onnxruntime-node/dist/binding') as Partial<BindingModule>;
  if (typeof internal.binding?.InferenceSession !== 'function' || typeof internal.initOrt !== 'function') {
    throw new Error(
      `onnxruntime-node ${version}: dist/binding no longer exports binding.InferenceSession and initOrt; re-check libs/tf-runtime/src/lib/ort-binding.ts.`,
    );
  }
  internal.initOrt();
  const { binding } = internal as BindingModule;
  const tensor = (data: Float32Array, dims: readonly number[]) => new Tensor('float32', data, dims);
  const runtime: OrtRuntime = {
    version,
    tensor,
    createSession(model, { intraOpNumThreads }) {
      const native = new binding.InferenceSession();
      native.loadModel(model.buffer as ArrayBuffer, model.byteOffset, model.byteLength, {
        intraOpNumThreads,
        interOpNumThreads: 1,
        executionMode: 'sequential',
        graphOptimizationLevel: 'all',
        // Idle pool threads sleep instead of spinning: between two conv calls the main thread runs wasm
        // ops on the same 2 cores. Spinning made the 2-thread forward+backward 1.2–1.4× over plain wasm
        // instead of 2.0× here (tools/bench/backend.ts, load ≈ 11–26, back to back).
        extra: { session: { intra_op: { allow_spinning: '0' } } },
      });
      return {
        run: (feeds, outputs) => native.run(feeds, outputs, {}),
        dispose: () => native.dispose(),
      };
    },
  };
  selfTest(runtime);
  return runtime;
}

/**
 * One tiny run, so a binding that loads but cannot run (e.g. Jest's sandbox realm, whose Float32Array
 * is not the one the native side builds outputs with — see tools/jest/shared-typed-arrays-environment.js)
 * fails here, at load time, with its reason, instead of inside a training step.
 */
function selfTest(runtime: OrtRuntime): void {
  const model = writeOnnxModel('portrait-forge tf-runtime self-test', {
    name: 'self-test',
    input: [floatValue('x', [2])],
    output: [floatValue('y', [2])],
    node: [{ opType: 'Neg', input: ['x'], output: ['y'] }],
  });
  const session = runtime.createSession(model, { intraOpNumThreads: 1 });
  const out = new Float32Array(2);
  try {
    session.run({ x: runtime.tensor(Float32Array.of(1, 2), [2]) }, { y: runtime.tensor(out, [2]) });
  } catch (err) {
    throw new Error(
      `onnxruntime-node ${runtime.version} loads but cannot run a model: ${err instanceof Error ? err.message : String(err)}`,
    );
  } finally {
    session.dispose();
  }
  if (out[0] !== -1 || out[1] !== -2) {
    throw new Error(
      `onnxruntime-node ${runtime.version}: a pre-allocated output was not written in place (got [${Array.from(out)}]).`,
    );
  }
}
