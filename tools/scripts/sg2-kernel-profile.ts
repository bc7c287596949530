/**
 * Where a StyleGAN2 training iteration spends its time, per tfjs kernel: runs each phase under
 * tf.profile and prints kernel milliseconds (amortised as tools/bench/stylegan2.ts: Greg/4, Dreg/16),
 * largest first, with the share of the iteration.
 *   npx tsx tools/scripts/sg2-kernel-profile.ts [--config small] [--res 64] [--threads 1] [--no-ort]
 */
import { parseArgs } from 'node:util';
import { initTf } from '@portrait-forge/tf-runtime';
import { type ConfigName, createStyleGAN2, type Phase, stylegan2Config } from '@portrait-forge/stylegan2';

const AMORTISE: Record<Phase, number> = { Gmain: 1, Greg: 1 / 4, Dmain: 1, Dreg: 1 / 16 };
/** tf.customGrad ops (the FIR resampling, lrelu) show up under these names too, around kernels listed on their own. */
const CUSTOM_GRAD_SCOPES = new Set(['forward', 'backward']);

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      config: { type: 'string', default: 'small' },
      res: { type: 'string', default: '64' },
      threads: { type: 'string', default: '1' },
      'no-ort': { type: 'boolean', default: false },
    },
  });
  const { tf, backendName } = await initTf({ ortConv: !values['no-ort'], threads: Number(values.threads) });
  const config = stylegan2Config(values.config as ConfigName, {
    resolution: Number(values.res),
    channels: 3,
    batch: 8,
  });
  const sg = createStyleGAN2(config, 1);
  const real = tf.randomUniform(
    [8, config.resolution, config.resolution, 3],
    -1,
    1,
  ) as import('@tensorflow/tfjs').Tensor4D;
  const byKernel = new Map<string, { ms: number; calls: number }>();
  let wallMs = 0;
  for (const phase of Object.keys(AMORTISE) as Phase[]) {
    await sg.trainPhase(phase, { real }); // warm-up: builds kernels and sessions
    const t0 = performance.now();
    const profile = await tf.profile(() => sg.trainPhase(phase, { real }));
    wallMs += (performance.now() - t0) * AMORTISE[phase];
    for (const k of profile.kernels) {
      if (CUSTOM_GRAD_SCOPES.has(k.name)) continue;
      const entry = byKernel.get(k.name) ?? { ms: 0, calls: 0 };
      entry.ms += (k.kernelTimeMs as number) * AMORTISE[phase];
      entry.calls += AMORTISE[phase];
      byKernel.set(k.name, entry);
    }
  }
  const total = [...byKernel.values()].reduce((s, e) => s + e.ms, 0);
  console.log(
    `${backendName}; ${values.config} ${values.res}² batch 8; amortised iteration: wall ${wallMs.toFixed(0)} ms (profiled), kernels ${total.toFixed(0)} ms`,
  );
  console.log('kernel                              ms   share   calls');
  for (const [name, e] of [...byKernel.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, 30))
    console.log(
      `${name.padEnd(30)} ${e.ms.toFixed(1).padStart(8)} ${((100 * e.ms) / total).toFixed(1).padStart(6)}% ${e.calls.toFixed(0).padStart(7)}`,
    );
  sg.dispose();
  real.dispose();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
