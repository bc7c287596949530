import { formatTable, mergeShards } from '@portrait-forge/curation';
import { Command } from 'commander';
import { relative } from 'node:path';
import { DEFAULT_OUT, fail, outDir } from '../options';

const collect = (value: string, previous: string[]) => [...previous, value];

export function mergeCommand(): Command {
  return new Command('merge')
    .description(
      "merge the shard manifests under --out (filter --shard K/N), or the --from folders, into --out's manifest.sqlite and decisions.csv; atomic and repeatable",
    )
    .option('-o, --out <dir>', 'output folder: its shards/K-of-N/ are merged into it', DEFAULT_OUT)
    .option('--from <dir>', 'a filter output folder to merge instead of the shards (repeat)', collect, [])
    .action((flags: { out?: string; from: string[] }) => {
      try {
        const result = mergeShards(outDir(flags.out), { from: flags.from });
        const cwd = process.cwd();
        for (const d of result.duplicates)
          process.stdout.write(
            `  same file twice: ${d.path} (kept from ${d.kept}, dropped from ${d.dropped})\n`,
          );
        process.stdout.write(
          `${formatTable([
            ['sources', result.sources.length],
            ['files', result.files],
            ['faces', result.faces],
            ['same file twice (kept once)', result.duplicates.length],
            ['overrides carried', result.carried.overrides],
            ['runs carried', result.carried.runs],
            ['seconds', (result.ms / 1000).toFixed(1)],
          ])}\n\nmanifest  ${relative(cwd, result.manifestPath)}\ndecisions ${relative(cwd, result.decisionsPath)}\n`,
        );
      } catch (err) {
        fail(err);
      }
    });
}
