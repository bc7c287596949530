/**
 * Per-pass time of the curation's tfjs graph models (BlazeFace, FaceMesh, selfie) on tfjs-wasm and
 * converted whole to ONNX in onnxruntime (tf-runtime createGraphRunner; 1 intra-op thread, as in a
 * curation worker), and of face-api's 68-landmark net (libs/face createLandmark68Net: face-api's
 * detectLandmarks vs its ONNX graph, per call on one 97×112 crop, pre- and post-processing included).
 * Rounds alternate tfjs / ORT so that load from other work hits both alike.
 *   npx tsx tools/bench/graph-nets.ts [--nets blazeface-back,facemesh,selfie,faceLandmark68Net] [--rounds 3] [--passes 30]
 */
import { parseArgs } from 'node:util';
import { loadavg } from 'node:os';
import * as faceapi from '@vladmandic/face-api/dist/face-api.node-wasm.js';
import { createLandmark68Net, defaultModelDir, LANDMARK68_NET_NAME } from '@portrait-forge/face';
import {
  createGraphRunner,
  humanModelsDir,
  initTf,
  loadGraphModelFromDir,
  type TfRuntime,
} from '@portrait-forge/tf-runtime';

const { values } = parseArgs({
  options: {
    nets: { type: 'string', default: `blazeface-back,facemesh,selfie,${LANDMARK68_NET_NAME}` },
    rounds: { type: 'string', default: '3' },
    passes: { type: 'string', default: '30' },
  },
});

interface Timing {
  wallMs: number;
  cpuMs: number;
}

type Pass = () => Promise<unknown>;

/** Mean wall and CPU ms per pass over `passes` passes, after 3 warm-up passes. */
async function time(pass: Pass, passes: number): Promise<Timing> {
  for (let i = 0; i < 3; i++) await pass();
  const cpu = process.cpuUsage();
  const start = performance.now();
  for (let i = 0; i < passes; i++) await pass();
  const used = process.cpuUsage(cpu);
  return { wallMs: (performance.now() - start) / passes, cpuMs: (used.user + used.system) / 1000 / passes };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The tfjs and ORT passes of net `name` (undefined: it did not convert, the log says why). */
async function netPasses(tf: TfRuntime['tf'], name: string): Promise<[Pass, Pass] | undefined> {
  if (name === LANDMARK68_NET_NAME) {
    const net = faceapi.nets.faceLandmark68Net;
    await net.loadFromDisk(defaultModelDir());
    const [wasm, ort] = [false, true].map((preferOrt) => createLandmark68Net(tf, net, { preferOrt }));
    const crop = { width: 97, height: 112, channels: 3 as const };
    const data = Uint8Array.from({ length: 97 * 112 * 3 }, (_, i) => 128 + 100 * Math.sin(i * 0.37));
    const crops = [{ ...crop, data }];
    return ort.runtime === 'onnxruntime'
      ? [() => wasm.landmarks(crops), () => ort.landmarks(crops)]
      : undefined;
  }
  const model = await loadGraphModelFromDir(tf, humanModelsDir(), name);
  const shape = model.inputs[0].shape!.map((d) => (d === -1 ? 1 : d));
  const input = Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(i * 0.37));
  const [wasm, ort] = [false, true].map((preferOrt) => createGraphRunner(tf, model, { name, preferOrt }));
  return ort.runtime === 'onnxruntime'
    ? [() => wasm.run(input, shape), () => ort.run(input, shape)]
    : undefined;
}

async function main(): Promise<void> {
  const { tf } = await initTf({ ortConv: false });
  const rounds = Number(values.rounds);
  const passes = Number(values.passes);
  console.log(
    `load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}; ${rounds} rounds × ${passes} passes`,
  );
  console.log('| net | tfjs-wasm ms/pass (CPU) | onnxruntime 1 t ms/pass (CPU) | speed-up (CPU) |');
  console.log('| --- | ---: | ---: | ---: |');
  for (const name of values.nets.split(',')) {
    const runs = await netPasses(tf, name);
    if (!runs) {
      console.log(`| ${name} | | not converted (see the line above) | |`);
      continue;
    }
    const timings: Timing[][] = [[], []];
    for (let r = 0; r < rounds; r++)
      for (const [i, pass] of runs.entries()) timings[i].push(await time(pass, passes));
    const [wasm, ort] = timings.map((t) => ({
      wall: median(t.map((x) => x.wallMs)),
      cpu: median(t.map((x) => x.cpuMs)),
    }));
    console.log(
      `| ${name} | ${wasm.wall.toFixed(2)} (${wasm.cpu.toFixed(2)}) | ${ort.wall.toFixed(2)} (${ort.cpu.toFixed(2)}) | ${(wasm.wall / ort.wall).toFixed(2)}× (${(wasm.cpu / ort.cpu).toFixed(2)}×) |`,
    );
  }
  console.log(
    `load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
