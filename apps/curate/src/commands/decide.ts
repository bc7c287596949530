import { MANIFEST_FILE, redecide, storedThresholds } from '@portrait-forge/curation';
import { lockManifest, Manifest } from '@portrait-forge/manifest';
import { Command } from 'commander';
import { join } from 'node:path';
import { DEFAULT_OUT, fail, outDir } from '../options';
import { nonNegativeInt } from '@portrait-forge/cli';
import { addThresholdOptions, thresholdsFrom, type ThresholdFlags } from '../thresholds';

interface DecideFlags extends ThresholdFlags {
  out?: string;
  dryRun?: boolean;
  limit: number;
}

export function decideCommand(): Command {
  const cmd = new Command('decide')
    .description('recompute every decision from stored raw scores (no image is read) and show what changed')
    .option('-o, --out <dir>', 'output folder of a filter run', DEFAULT_OUT)
    .option('--dry-run', 'show the changes without storing them')
    .option('--limit <n>', 'changes to list (the rest are counted)', nonNegativeInt, 50);
  addThresholdOptions(cmd, 'stored');
  return cmd.action((flags: DecideFlags) => {
    try {
      const manifestFile = join(outDir(flags.out), MANIFEST_FILE);
      // A decide that stores takes the one-writer lock, so it never runs inside a filter's batches.
      const lock = flags.dryRun ? null : lockManifest(manifestFile, 'decide');
      let result: ReturnType<typeof redecide>;
      try {
        const manifest = Manifest.open(manifestFile, { readonly: !!flags.dryRun });
        const thresholds = thresholdsFrom(flags, storedThresholds(manifest));
        result = redecide(manifest, thresholds, { dryRun: flags.dryRun });
        manifest.close();
      } finally {
        lock?.release();
      }
      const { files, changes, ms } = result;
      const limit = Number(flags.limit);
      for (const c of changes.slice(0, limit)) {
        process.stdout.write(
          `  ${c.path}: ${c.from.decision}${c.from.reasons.length ? ` (${c.from.reasons.join(';')})` : ''} → ${c.to.decision}${c.to.reasons.length ? ` (${c.to.reasons.join(';')})` : ''}\n`,
        );
      }
      if (changes.length > limit) process.stdout.write(`  … and ${changes.length - limit} more\n`);
      const became = (d: string) =>
        changes.filter((c) => c.to.decision === d && c.from.decision !== d).length;
      process.stdout.write(
        `${files} files re-decided in ${ms.toFixed(0)} ms: ${changes.length} changed (${became('keep')} now kept, ${became('reject')} now rejected)${flags.dryRun ? ' — dry run, nothing stored' : ''}\n` +
          `overrides from review still win; run \`curate report\` / \`curate export\` to see the result\n`,
      );
    } catch (err) {
      fail(err);
    }
  });
}
