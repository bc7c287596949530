/**
 * Training smoke with and without the onnxruntime conv kernels: the same StyleGAN2 (same seed, same
 * real batches, the trainer's phase schedule: Gmain + Dmain every step, Greg every 4th, Dreg every
 * 16th) trained for N steps on plain wasm, then with the kernels; prints every phase's loss side by side,
 * the largest relative difference, and sec/kimg of each run (back to back, so under the same load).
 *
 *   npx tsx tools/scripts/ort-conv-smoke.ts [--steps 16] [--cfg small] [--res 32] [--threads 2] [--cbase 1024] [--cmax 32]
 */
import { Command } from 'commander';
import {
  initTf,
  registerOrtConvKernels,
  requestedThreads,
  unregisterOrtConvKernels,
} from '@portrait-forge/tf-runtime';
import { type ConfigName, createStyleGAN2, type Phase, stylegan2Config } from '@portrait-forge/stylegan2';
import type * as tfType from '@tensorflow/tfjs';

interface Options {
  steps: string;
  cfg: string;
  res: string;
  threads?: string;
  cbase: string;
  cmax: string;
}

const opts = new Command()
  .option('--steps <n>', 'training steps per run', '16')
  .option('--cfg <name>', 'StyleGAN2 config', 'small')
  .option('--res <n>', 'resolution', '32')
  .option(
    '--threads <n>',
    'threads of the onnxruntime kernels (default: PORTRAIT_FORGE_THREADS, else the cores)',
  )
  .option('--cbase <n>', 'channel base (the 32² smoke run: 1024)', '1024')
  .option('--cmax <n>', 'channel max (the 32² smoke run: 32)', '32')
  .parse()
  .opts<Options>();

function schedule(step: number): Phase[] {
  return [
    'Gmain',
    ...(step % 4 === 0 ? (['Greg'] as const) : []),
    'Dmain',
    ...(step % 16 === 0 ? (['Dreg'] as const) : []),
  ];
}

async function train(
  tf: typeof tfType,
  steps: number,
): Promise<{ losses: number[]; labels: string[]; secPerKimg: number }> {
  const base = stylegan2Config(opts.cfg as ConfigName, {
    resolution: Number(opts.res),
    channels: 1,
    batch: 8,
  });
  const config = { ...base, channelBase: Number(opts.cbase), channelMax: Number(opts.cmax) };
  const sg = createStyleGAN2(config, 0);
  const losses: number[] = [];
  const labels: string[] = [];
  let seconds = 0;
  for (let step = 0; step < steps; step++) {
    const real = tf.randomUniform(
      [8, config.resolution, config.resolution, 1],
      -1,
      1,
      'float32',
      1000 + step,
    ) as tfType.Tensor4D;
    const start = performance.now();
    for (const phase of schedule(step)) {
      const stats = await sg.trainPhase(phase, { real });
      losses.push(stats.loss);
      labels.push(`${step} ${phase}`);
    }
    if (step > 0) seconds += (performance.now() - start) / 1000; // step 0 builds kernels and sessions
    real.dispose();
  }
  sg.dispose();
  return { losses, labels, secPerKimg: seconds / (((steps - 1) * 8) / 1000) };
}

async function main(): Promise<void> {
  const { tf } = await initTf({ backend: 'wasm', ortConv: false });
  const steps = Number(opts.steps);
  const threads = requestedThreads(opts.threads === undefined ? undefined : Number(opts.threads));
  unregisterOrtConvKernels();
  const plain = await train(tf, steps);
  registerOrtConvKernels({ threads });
  const ort = await train(tf, steps);
  unregisterOrtConvKernels();
  console.log('step phase      plain wasm loss   + onnxruntime conv   rel. diff');
  let worst = 0;
  plain.losses.forEach((a, i) => {
    const b = ort.losses[i];
    const rel = Math.abs(a - b) / Math.max(Math.abs(a), 1e-12);
    worst = Math.max(worst, rel);
    console.log(
      `${plain.labels[i].padEnd(10)} ${a.toPrecision(9).padStart(16)} ${b.toPrecision(9).padStart(20)} ${rel.toExponential(2).padStart(11)}`,
    );
  });
  console.log(
    `largest relative loss difference over ${plain.losses.length} phases: ${worst.toExponential(2)}`,
  );
  console.log(
    `sec/kimg (steps 1..${steps - 1}, ${opts.cfg} ${opts.res}² cbase ${opts.cbase} cmax ${opts.cmax}, batch 8): plain wasm ${plain.secPerKimg.toFixed(1)}, + onnxruntime conv (${threads} threads) ${ort.secPerKimg.toFixed(1)} → ${(plain.secPerKimg / ort.secPerKimg).toFixed(2)}× faster; taken under whatever load the machine has`,
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
