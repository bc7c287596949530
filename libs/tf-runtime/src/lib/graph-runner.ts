import type * as tfjs from '@tensorflow/tfjs';
import { loadOrtRuntime, type OrtRuntime, type SyncSession } from './ort-binding';
import { tfjsGraphToOnnx, type OnnxGraphModel } from './tfjs-to-onnx';

/**
 * A tfjs graph model behind one interface, run either by tfjs (`model.execute`) or, converted whole
 * to ONNX (tfjs-to-onnx.ts), in one onnxruntime session. The curation nets use it.
 */

export interface GraphOutput {
  shape: number[];
  data: Float32Array;
}

export interface GraphRunner {
  /** 'onnxruntime' or 'tfjs'. */
  readonly runtime: GraphRuntime;
  /** The model on `input` (NHWC floats of `shape`); outputs in `model.outputNodes` order, NHWC. */
  run(input: Float32Array, shape: readonly number[]): Promise<GraphOutput[]>;
  dispose(): void;
}

export type GraphRuntime = 'onnxruntime' | 'tfjs';

export interface GraphRunnerOptions {
  /** The caller's measured default; env PORTRAIT_FORGE_ORT_NETS=1|0 overrides it for every net. */
  preferOrt: boolean;
  /** Model name for the log line. */
  name: string;
  log?: (line: string) => void;
  /** ORT intra-op threads (default 1: curation runs one worker per core). */
  threads?: number;
  /** Tests: how onnxruntime-node is required (to simulate it missing). */
  requireModule?: (id: string) => unknown;
}

/** Whether the ORT runner is wanted: env PORTRAIT_FORGE_ORT_NETS=1|0, else `preferOrt`. */
export function ortNetsRequested(preferOrt: boolean, env = process.env['PORTRAIT_FORGE_ORT_NETS']): boolean {
  if (env === undefined || env === '') return preferOrt;
  if (env === '1' || env === '0') return env === '1';
  throw new Error(`PORTRAIT_FORGE_ORT_NETS must be 1 or 0, got "${env}"`);
}

let ortRuntime: { runtime?: OrtRuntime; error?: string } | undefined;

function sharedOrtRuntime(requireModule?: (id: string) => unknown): OrtRuntime {
  if (requireModule) return loadOrtRuntime(requireModule);
  if (!ortRuntime) {
    try {
      ortRuntime = { runtime: loadOrtRuntime() };
    } catch (err) {
      ortRuntime = { error: err instanceof Error ? err.message : String(err) };
    }
  }
  if (!ortRuntime.runtime) throw new Error(ortRuntime.error);
  return ortRuntime.runtime;
}

/** Conversions are cached per loaded model: one per process for the curation nets' shared models. */
const converted = new WeakMap<tfjs.GraphModel, OnnxGraphModel>();

function onnxOf(model: tfjs.GraphModel): OnnxGraphModel {
  let onnx = converted.get(model);
  if (!onnx) {
    onnx = tfjsGraphToOnnx(model);
    converted.set(model, onnx);
  }
  return onnx;
}

/**
 * A runner for `model`: onnxruntime when requested and possible, else tfjs — with one log line
 * saying which and, on fallback, why.
 */
export function createGraphRunner(
  tf: typeof tfjs,
  model: tfjs.GraphModel,
  options: GraphRunnerOptions,
): GraphRunner {
  return createOrtRunner(() => onnxOf(model), options) ?? tfjsRunner(tf, model);
}

/**
 * The onnxruntime runner of the ONNX model `build()` gives (a converted graph model, or a net written
 * in code such as face-api's landmark net) when requested (`ortNetsRequested`) and possible; else
 * undefined, after one log line saying why on failure, and the caller runs its tfjs path.
 */
export function createOrtRunner(
  build: () => OnnxGraphModel,
  options: GraphRunnerOptions,
): GraphRunner | undefined {
  const log = options.log ?? ((line: string) => console.error(line));
  if (!ortNetsRequested(options.preferOrt)) return undefined;
  try {
    return ortRunner(sharedOrtRuntime(options.requireModule), build(), options.threads ?? 1);
  } catch (err) {
    const reason = (err instanceof Error ? err.message : String(err)).split('\n')[0];
    log(`${options.name}: on tfjs (onnxruntime not used: ${reason})`);
    return undefined;
  }
}

function ortRunner(ort: OrtRuntime, onnx: OnnxGraphModel, threads: number): GraphRunner {
  const session: SyncSession = ort.createSession(onnx.model, { intraOpNumThreads: threads });
  return {
    runtime: 'onnxruntime',
    run: async (input, shape) => {
      checkShape(shape, onnx.input.shape);
      const outputs = onnx.outputs.map((o) => ({ shape: o.shape, data: new Float32Array(size(o.shape)) }));
      session.run(
        { [onnx.input.name]: ort.tensor(input, onnx.input.shape) },
        Object.fromEntries(onnx.outputs.map((o, i) => [o.name, ort.tensor(outputs[i].data, o.shape)])),
      );
      return outputs;
    },
    dispose: () => session.dispose(),
  };
}

function tfjsRunner(tf: typeof tfjs, model: tfjs.GraphModel): GraphRunner {
  return {
    runtime: 'tfjs',
    run: async (input, shape) => {
      const x = tf.tensor(input, [...shape], 'float32');
      const result = model.execute(x);
      x.dispose();
      const outputs = Array.isArray(result) ? result : [result];
      try {
        return await Promise.all(
          outputs.map(async (t) => ({ shape: t.shape, data: (await t.data()) as Float32Array })),
        );
      } finally {
        outputs.forEach((t) => t.dispose());
      }
    },
    dispose: () => undefined,
  };
}

const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

function checkShape(shape: readonly number[], expected: readonly number[]): void {
  if (shape.length !== expected.length || shape.some((d, i) => d !== expected[i]))
    throw new Error(`graph input shape [${shape}] differs from the converted model's [${expected}]`);
}
