/**
 * conv2d 3×3 128→128 at 32×32, batch 8 on the wasm and cpu tfjs backends, and on wasm with the
 * onnxruntime conv kernels at 1 and 2 threads: forward and forward+backward ms (median after warm-up)
 * and GFLOP/s, with ratios against plain wasm; plus wasm SIMD / threads status.
 *
 *   npx tsx tools/bench/backend.ts [--runs 5] [--warmup 2] [--cpu [--cpu-runs 3] [--cpu-warmup 1]]
 *                                  [--ort-threads 1,2]
 */
import { spawnSync } from 'node:child_process';
import { Command } from 'commander';
import {
  initTf,
  ortConvStats,
  registerOrtConvKernels,
  unregisterOrtConvKernels,
  type BackendChoice,
} from '@portrait-forge/tf-runtime';
import type * as tfType from '@tensorflow/tfjs';

const SHAPE = { batch: 8, size: 32, channelsIn: 128, channelsOut: 128, kernel: 3 };
/** Multiply-adds ×2 of one forward conv; the backward pass (dx and dW) costs twice that. */
const FORWARD_FLOP =
  2 *
  SHAPE.batch *
  SHAPE.size *
  SHAPE.size *
  SHAPE.channelsOut *
  SHAPE.channelsIn *
  SHAPE.kernel *
  SHAPE.kernel;

interface Row {
  backend: string;
  step: string;
  ms: number;
  gflops: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Round-robin over the steps so that fluctuating CPU contention hits every step alike. */
function timeSteps(steps: (() => void)[], warmup: number, runs: number): number[] {
  const times: number[][] = steps.map(() => []);
  for (let round = 0; round < warmup + runs; round++) {
    steps.forEach((step, i) => {
      const start = performance.now();
      step();
      if (round >= warmup) times[i].push(performance.now() - start);
    });
  }
  return times.map(median);
}

type Step = [name: string, flopMultiple: number, run: () => void];

async function convSteps(choice: BackendChoice): Promise<{ steps: Step[]; dispose: () => void }> {
  const { tf } = await initTf({ backend: choice, ortConv: false });
  const x = tf.randomNormal([SHAPE.batch, SHAPE.size, SHAPE.size, SHAPE.channelsIn]) as tfType.Tensor4D;
  const w = tf.mul(
    tf.randomNormal([SHAPE.kernel, SHAPE.kernel, SHAPE.channelsIn, SHAPE.channelsOut]),
    0.03,
  ) as tfType.Tensor4D;
  const dy = tf.randomNormal([SHAPE.batch, SHAPE.size, SHAPE.size, SHAPE.channelsOut]) as tfType.Tensor4D;
  const loss = (a: tfType.Tensor, b: tfType.Tensor) =>
    tf.sum(tf.mul(tf.conv2d(a as tfType.Tensor4D, b as tfType.Tensor4D, 1, 'same'), dy)) as tfType.Scalar;
  const steps: [string, number, () => tfType.Tensor | tfType.Tensor[]][] = [
    ['forward', 1, () => tf.conv2d(x, w, 1, 'same')],
    ['forward+backward', 3, () => tf.grads(loss)([x, w])],
    ['  backward dx only', 1, () => tf.conv2dTranspose(dy, w, x.shape, 1, 'same')],
    [
      '  backward dW only',
      1,
      () => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, dwAttrs(w.shape)),
    ],
  ];
  return {
    steps: steps.map(
      ([name, flopMultiple, fn]): Step => [
        name,
        flopMultiple,
        () => tf.tidy(() => [fn()].flat().forEach((t) => t.dataSync())),
      ],
    ),
    dispose: () => tf.dispose([x, w, dy]),
  };
}

function toRows(label: string, steps: Step[], medians: number[]): Row[] {
  return steps.map(([step, flopMultiple], i): Row => {
    const ms = medians[i];
    process.stderr.write(`  ${label} ${step.trim()}: ${ms.toFixed(1)} ms\n`);
    return { backend: label, step, ms, gflops: (flopMultiple * FORWARD_FLOP) / (ms * 1e6) };
  });
}

async function benchBackend(choice: BackendChoice, warmup: number, runs: number): Promise<Row[]> {
  const { steps, dispose } = await convSteps(choice);
  const rows = toRows(
    choice,
    steps,
    timeSteps(
      steps.map(([, , run]) => run),
      warmup,
      runs,
    ),
  );
  dispose();
  return rows;
}

type WasmMode = { label: string; threads?: number };

/**
 * Plain wasm and wasm + onnxruntime conv kernels at each thread count, in rounds (one run of every
 * step in every mode per round) so that the machine's fluctuating load hits all modes alike.
 */
async function benchWasmModes(ortThreads: number[], warmup: number, runs: number): Promise<Row[]> {
  const { steps, dispose } = await convSteps('wasm');
  const modes: WasmMode[] = [
    { label: 'wasm' },
    ...ortThreads.map((threads) => ({ label: `wasm+ort ${threads}t`, threads })),
  ];
  const times = modes.map(() => steps.map((): number[] => []));
  for (let round = 0; round < warmup + runs; round++) {
    modes.forEach(({ threads }, m) => {
      if (threads === undefined) unregisterOrtConvKernels();
      else registerOrtConvKernels({ threads });
      steps.forEach(([, , run], i) => {
        if (round === 0 && threads !== undefined) run(); // first call of a mode builds its sessions
        const start = performance.now();
        run();
        if (round >= warmup) times[m][i].push(performance.now() - start);
      });
    });
  }
  const stats = ortConvStats();
  if (stats) process.stderr.write(`  onnxruntime conv kernels: ${JSON.stringify(stats)}\n`);
  unregisterOrtConvKernels();
  dispose();
  return modes.flatMap(({ label }, m) => toRows(label, steps, times[m].map(median)));
}

function dwAttrs(filterShape: number[]): tfType.NamedAttrMap {
  return { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape };
}

/** Forcing wasm threads in Node, in a child process because a failed init leaves the backend unusable. */
function probeThreads(): string {
  const script = `
    const tf = require('@tensorflow/tfjs'); const wasm = require('@tensorflow/tfjs-backend-wasm');
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true); wasm.setThreadsCount(2);
    tf.setBackend('wasm').then((ok) => { console.log(ok ? 'works, threads: ' + wasm.getThreadsCount() : 'fails'); process.exit(0); })
      .catch((e) => { console.log('fails: ' + String((e && e.message) || e)); process.exit(0); });`;
  const child = spawnSync(process.execPath, ['-e', script], { timeout: 60_000, encoding: 'utf8' });
  const verdict = child.stdout.trim().split('\n').pop() ?? 'no answer';
  const cause = child.stderr.split('\n').find((l) => /Error/.test(l) && !/^\s+at /.test(l));
  return cause ? `${verdict} (${cause.trim().slice(0, 140)})` : verdict;
}

function printTable(rows: Row[]): void {
  const line = (cells: string[]) =>
    console.log(cells.map((c, i) => (i ? c.padStart(12) : c.padEnd(22))).join(''));
  line(['step', 'backend', 'median ms', 'GFLOP/s']);
  for (const r of rows) line([r.step, r.backend, r.ms.toFixed(1), r.gflops.toFixed(2)]);
}

async function main(): Promise<void> {
  const opts = new Command()
    .description('Benchmark conv2d 3×3 128→128 @32×32 batch 8 on the wasm and cpu tfjs backends')
    .option('--runs <n>', 'timed runs on wasm (median reported)', '5')
    .option('--cpu-runs <n>', 'timed runs on cpu (slow)', '3')
    .option('--cpu-warmup <n>', 'untimed warm-up runs on cpu', '1')
    .option('--warmup <n>', 'untimed warm-up runs', '2')
    .option('--cpu', 'also time the cpu backend (its conv dW takes ~4 min per run on 2 cores)', false)
    .option('--ort-threads <list>', 'onnxruntime conv kernel thread counts to compare', '1,2')
    .parse()
    .opts<{
      runs: string;
      cpuRuns: string;
      warmup: string;
      cpuWarmup: string;
      cpu: boolean;
      ortThreads: string;
    }>();
  const warmup = Number(opts.warmup);
  const ortThreads = opts.ortThreads.split(',').filter(Boolean).map(Number);
  const allWasmRows = await benchWasmModes(ortThreads, warmup, Number(opts.runs));
  const wasmRows = allWasmRows.filter((r) => r.backend === 'wasm');
  const { tf } = await initTf({ backend: 'wasm', log: () => undefined });
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  const threads = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
  const cpuRows = opts.cpu ? await benchBackend('cpu', Number(opts.cpuWarmup), Number(opts.cpuRuns)) : [];

  console.log(
    `\nconv2d 3×3 ${SHAPE.channelsIn}→${SHAPE.channelsOut} @${SHAPE.size}×${SHAPE.size} batch ${SHAPE.batch}`,
  );
  console.log(`forward = ${(FORWARD_FLOP / 1e9).toFixed(3)} GFLOP, forward+backward = 3× that\n`);
  printTable([...allWasmRows, ...cpuRows]);
  console.log('\nspeed-up of the onnxruntime conv kernels over plain wasm (time wasm / time ort):');
  for (const r of allWasmRows.filter((row) => row.backend !== 'wasm')) {
    const plain = wasmRows.find((c) => c.step === r.step);
    if (plain)
      console.log(`  ${r.backend.padEnd(14)} ${r.step.trim().padEnd(20)} ${(plain.ms / r.ms).toFixed(2)}×`);
  }
  if (cpuRows.length) console.log('\nratio cpu/wasm (time):');
  for (const r of wasmRows) {
    const cpu = cpuRows.find((c) => c.step === r.step);
    if (cpu) console.log(`  ${r.step.trim().padEnd(20)} ${(cpu.ms / r.ms).toFixed(1)}×`);
  }
  console.log(`\nwasm SIMD: ${simd}; multithread support flag in Node: ${threads}`);
  console.log(`forcing WASM_HAS_MULTITHREAD_SUPPORT=true + setThreadsCount(2): ${probeThreads()}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
