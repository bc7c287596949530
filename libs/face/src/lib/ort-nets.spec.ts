import { join } from 'node:path';
import { decodeImage, rawToSharp, sharpToRaw } from '@portrait-forge/image-io';
import { describeWithShared } from '@portrait-forge/test-support';
import {
  createGraphRunner,
  humanModelsDir,
  initTf,
  loadGraphModelFromDir,
  type GraphOutput,
  type GraphRunner,
} from '@portrait-forge/tf-runtime';
import { BLAZEFACE_INPUT_SIZE, BLAZEFACE_MODEL } from './blazeface';
import { readLabels } from './labelled-set';
import { FACE_MESH_INPUT_SIZE, FACE_MESH_MODEL } from './mesh-pose';

/**
 * The curation nets converted whole to ONNX (tf-runtime tfjsGraphToOnnx) against tfjs-wasm on the
 * real photos of faces-dev and faces-wild-dev, each photo resized to the net's input as curation
 * feeds it. libs/symmetry's selfie is checked here too: the three nets share this harness.
 */

interface Net {
  model: string;
  size: number;
  /** Byte → model input value. */
  scale: (byte: number) => number;
  /** Largest |ORT − tfjs| allowed, relative to the output's largest |tfjs| value (at least 1). */
  tolerance: number;
}

const NETS: Net[] = [
  // Observed: 6.8e-6 / 1.7e-5 (faces-dev / faces-wild-dev), FaceMesh 2.3e-6 / 3.4e-6.
  { model: BLAZEFACE_MODEL, size: BLAZEFACE_INPUT_SIZE, scale: (v) => v / 127.5 - 1, tolerance: 5e-5 },
  { model: FACE_MESH_MODEL, size: FACE_MESH_INPUT_SIZE, scale: (v) => v / 255, tolerance: 5e-5 },
  // The probabilities, less than one level of the 8-bit mask curation keeps (observed 1.6e-3 / 4.8e-4).
  // Not an op error: float32 rounding differences grow layer by layer from 2e-6 (first conv) to 5e-5
  // relative at the logits, whose range is ±800, and a sigmoid near 0.2 turns 0.01 of logit into 2e-3.
  { model: 'selfie', size: 256, scale: (v) => v / 255, tolerance: 1 / 255 },
];

/** Largest |ORT − tfjs| over all outputs, relative to the output's largest |tfjs| value (≥ 1). */
function relativeDiff(ort: GraphOutput[], tfjs: GraphOutput[]): number {
  let worst = 0;
  tfjs.forEach((expected, o) => {
    let diff = 0;
    let scale = 1;
    for (let i = 0; i < expected.data.length; i++) {
      diff = Math.max(diff, Math.abs(ort[o].data[i] - expected.data[i]));
      scale = Math.max(scale, Math.abs(expected.data[i]));
    }
    worst = Math.max(worst, diff / scale);
  });
  return worst;
}

async function netInput(file: string, net: Net): Promise<Float32Array> {
  const image = await decodeImage(file);
  const rgb = await sharpToRaw(
    rawToSharp(image).removeAlpha().toColourspace('srgb').resize(net.size, net.size, { fit: 'fill' }),
  );
  const input = new Float32Array(net.size * net.size * 3);
  for (let i = 0; i < input.length; i++)
    input[i] = net.scale(rgb.data[rgb.channels === 3 ? i : Math.floor(i / 3)]);
  return input;
}

describe.each(['faces-dev', 'faces-wild-dev'])('%s', (set) => {
  describeWithShared(`data/${set}`, `${set}: curation nets on onnxruntime vs tfjs-wasm`, (dir) => {
    const runners = new Map<string, { ort: GraphRunner; tfjs: GraphRunner }>();

    beforeAll(async () => {
      const { tf } = await initTf({ ortConv: false, log: () => undefined });
      for (const net of NETS) {
        const model = await loadGraphModelFromDir(tf, humanModelsDir(), net.model);
        const fail = (line: string) => {
          throw new Error(line);
        };
        runners.set(net.model, {
          ort: createGraphRunner(tf, model, { name: net.model, preferOrt: true, log: fail }),
          tfjs: createGraphRunner(tf, model, { name: net.model, preferOrt: false }),
        });
      }
    }, 120_000);

    it.each(NETS.map((n) => [n.model, n] as const))(
      '%s: outputs within tolerance of tfjs',
      async (_name, net) => {
        const { ort, tfjs } = runners.get(net.model)!;
        expect(ort.runtime).toBe('onnxruntime');
        const shape = [1, net.size, net.size, 3];
        let worst = { diff: 0, file: '' };
        for (const { file } of readLabels(dir)) {
          const input = await netInput(join(dir, file), net);
          const diff = relativeDiff(await ort.run(input, shape), await tfjs.run(input, shape));
          if (diff > worst.diff) worst = { diff, file };
        }
        process.stdout.write(
          `${set} ${net.model}: max relative diff ${worst.diff.toExponential(2)} (${worst.file})\n`,
        );
        expect(worst.diff).toBeLessThan(net.tolerance);
      },
      300_000,
    );
  });
});
