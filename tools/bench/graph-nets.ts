/**
 * Per-pass time of the curation's tfjs graph models (BlazeFace, FaceMesh, selfie) on tfjs-wasm and
 * converted whole to ONNX in onnxruntime (tf-runtime createGraphRunner; 1 intra-op thread, as in a
 * curation worker). Rounds alternate tfjs / ORT so that load from other work hits both alike.
 *   npx tsx tools/bench/graph-nets.ts [--nets blazeface-back,facemesh,selfie] [--rounds 3] [--passes 30]
 */
import { parseArgs } from 'node:util';
import { loadavg } from 'node:os';
import {
  createGraphRunner,
  humanModelsDir,
  initTf,
  loadGraphModelFromDir,
  type GraphRunner,
} from '@portrait-forge/tf-runtime';

const { values } = parseArgs({
  options: {
    nets: { type: 'string', default: 'blazeface-back,facemesh,selfie' },
    rounds: { type: 'string', default: '3' },
    passes: { type: 'string', default: '30' },
  },
});

interface Timing {
  wallMs: number;
  cpuMs: number;
}

/** Mean wall and CPU ms per pass over `passes` passes, after 3 warm-up passes. */
async function time(
  runner: GraphRunner,
  input: Float32Array,
  shape: number[],
  passes: number,
): Promise<Timing> {
  for (let i = 0; i < 3; i++) await runner.run(input, shape);
  const cpu = process.cpuUsage();
  const start = performance.now();
  for (let i = 0; i < passes; i++) await runner.run(input, shape);
  const used = process.cpuUsage(cpu);
  return { wallMs: (performance.now() - start) / passes, cpuMs: (used.user + used.system) / 1000 / passes };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

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
    const model = await loadGraphModelFromDir(tf, humanModelsDir(), name);
    const shape = model.inputs[0].shape!.map((d) => (d === -1 ? 1 : d));
    const input = Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) =>
      Math.sin(i * 0.37),
    );
    const runners = [false, true].map((preferOrt) => createGraphRunner(tf, model, { name, preferOrt }));
    if (runners[1].runtime !== 'onnxruntime') {
      console.log(`| ${name} | | not converted (see the line above) | |`);
      continue;
    }
    const timings: Timing[][] = [[], []];
    for (let r = 0; r < rounds; r++)
      for (const [i, runner] of runners.entries()) timings[i].push(await time(runner, input, shape, passes));
    const [wasm, ort] = timings.map((t) => ({
      wall: median(t.map((x) => x.wallMs)),
      cpu: median(t.map((x) => x.cpuMs)),
    }));
    console.log(
      `| ${name} | ${wasm.wall.toFixed(2)} (${wasm.cpu.toFixed(2)}) | ${ort.wall.toFixed(2)} (${ort.cpu.toFixed(2)}) | ${(wasm.wall / ort.wall).toFixed(2)}× (${(wasm.cpu / ort.cpu).toFixed(2)}×) |`,
    );
    runners.forEach((r) => r.dispose());
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
