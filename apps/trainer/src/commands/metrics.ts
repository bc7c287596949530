import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { Command } from 'commander';
import { evaluateFeatures, readNpy, type MetricsReport } from '@portrait-forge/metrics';
import { finiteNumber, positiveInt, stderrLog, UsageError } from '@portrait-forge/cli';

export interface MetricsCommandOptions {
  real: string;
  fake: string;
  extractor?: string;
  kidSubsets: number;
  kidSubsetSize: number;
  k: number;
  ndbBins?: number;
  seed: number;
  out?: string;
}

/** Extractor recorded by `trainer:features` beside the .npy (x.npy.json), if any. */
export function sidecarExtractor(npyPath: string): string | undefined {
  const sidecar = `${npyPath}.json`;
  if (!existsSync(sidecar)) return undefined;
  const meta = JSON.parse(readFileSync(sidecar, 'utf8')) as { extractor?: unknown };
  return typeof meta.extractor === 'string' ? meta.extractor : undefined;
}

/** --extractor wins; else both sidecars must agree; else the features are labelled by dimension only. */
export function resolveExtractor(
  opts: Pick<MetricsCommandOptions, 'real' | 'fake' | 'extractor'>,
  dim: number,
): string {
  if (opts.extractor) return opts.extractor;
  const real = sidecarExtractor(opts.real);
  const fake = sidecarExtractor(opts.fake);
  if (real && fake && real !== fake) {
    throw new UsageError(
      `${opts.real} holds ${real} features but ${opts.fake} holds ${fake}; extract both with the same --extractor`,
    );
  }
  return real ?? fake ?? `features${dim}`;
}

export async function runMetrics(
  opts: MetricsCommandOptions,
  log: (line: string) => void = stderrLog,
): Promise<MetricsReport> {
  const [real, fake] = await Promise.all([readNpy(opts.real), readNpy(opts.fake)]);
  const extractor = resolveExtractor(opts, real.cols);
  log(
    `real ${opts.real}: ${real.rows}×${real.cols}; fake ${opts.fake}: ${fake.rows}×${fake.cols}; extractor ${extractor}`,
  );
  const report = evaluateFeatures(real, fake, {
    extractor,
    kid: { numSubsets: opts.kidSubsets, maxSubsetSize: opts.kidSubsetSize, seed: opts.seed },
    k: opts.k,
    ndb: { k: opts.ndbBins, seed: opts.seed },
    onMetric: (name, seconds) => log(`${name}: ${seconds.toFixed(2)} s`),
  });
  if (!report.comparableWithInceptionFid) {
    log(`note: ${extractor} metrics are not comparable with published Inception-v3 FID/KID`);
  }
  if (opts.out) await writeFile(opts.out, JSON.stringify(report, null, 2) + '\n');
  return report;
}

export function metricsCommand(): Command {
  return new Command('metrics')
    .description(
      'FID, KID, precision/recall (k=3) and NDB/K between two N×D feature sets (.npy float32/float64); prints one JSON object',
    )
    .requiredOption('--real <npy>', 'features of the training/real images')
    .requiredOption('--fake <npy>', 'features of the generated images')
    .option(
      '--extractor <name>',
      'name of the extractor the features came from; unset: from x.npy.json written by trainer features',
    )
    .option('--kid-subsets <n>', 'KID subsets (SG2-ADA: 100)', positiveInt, 100)
    .option('--kid-subset-size <n>', 'KID max subset size (SG2-ADA: 1000)', positiveInt, 1000)
    .option('--k <n>', 'precision/recall neighbourhood size', positiveInt, 3)
    .option('--ndb-bins <n>', 'NDB k-means bins; unset: min(50, N_real/20)', positiveInt)
    .option('--seed <n>', 'seed for KID subsets and k-means', finiteNumber, 2)
    .option('--out <json>', 'also write the JSON here')
    .action(async (opts: MetricsCommandOptions) => {
      const report = await runMetrics(opts);
      process.stdout.write(JSON.stringify(report) + '\n');
    });
}
