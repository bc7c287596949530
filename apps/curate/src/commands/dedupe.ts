import { DEFAULT_NEAR_DISTANCE, markDuplicates, MANIFEST_FILE } from '@portrait-forge/curation';
import { lockManifest, Manifest } from '@portrait-forge/manifest';
import { Command } from 'commander';
import { join } from 'node:path';
import { DEFAULT_OUT, fail, outDir } from '../options';
import { nonNegativeInt } from '@portrait-forge/cli';

export function dedupeCommand(): Command {
  return new Command('dedupe')
    .description(
      'mark exact (content hash) and near (aligned-crop dHash) duplicates; the best-scored copy stays',
    )
    .option('-o, --out <dir>', 'output folder of a filter run', DEFAULT_OUT)
    .option(
      '--distance <bits>',
      `max differing dHash bits for near duplicates (0 = exact only; ≤ 7)`,
      nonNegativeInt,
      DEFAULT_NEAR_DISTANCE,
    )
    .option('--exact-only', 'only identical files')
    .action((flags: { out?: string; distance: number; exactOnly?: boolean }) => {
      try {
        const manifestFile = join(outDir(flags.out), MANIFEST_FILE);
        const lock = lockManifest(manifestFile, 'dedupe');
        let marked: ReturnType<typeof markDuplicates>;
        try {
          const manifest = Manifest.open(manifestFile);
          marked = markDuplicates(manifest, { distance: flags.distance, exactOnly: !!flags.exactOnly });
          manifest.close();
        } finally {
          lock.release();
        }
        const { groups, duplicates } = marked;
        for (const g of groups)
          process.stdout.write(
            `${g.kind.padEnd(5)} keep ${g.best.path}\n${g.others.map((o) => `        dup  ${o.path}`).join('\n')}\n`,
          );
        process.stdout.write(`${groups.length} group(s), ${duplicates} file(s) marked duplicate_of\n`);
      } catch (err) {
        fail(err);
      }
    });
}
