import { MANIFEST_FILE, storedThresholds, writeReport } from '@portrait-forge/curation';
import { Manifest } from '@portrait-forge/manifest';
import { Command } from 'commander';
import { join, relative, resolve } from 'node:path';
import { DEFAULT_OUT, fail, outDir } from '../options';

export function reportCommand(): Command {
  return new Command('report')
    .description(
      'write a static HTML review report (counts, histograms, thumbnails with landmarks, kept crops)',
    )
    .option('-o, --out <dir>', 'output folder of a filter run', DEFAULT_OUT)
    .option('--report <dir>', 'report folder; unset: <out>/report')
    .action(async (flags: { out?: string; report?: string }) => {
      try {
        const out = outDir(flags.out);
        const manifest = Manifest.open(join(out, MANIFEST_FILE));
        const files = manifest.files();
        const thresholds = storedThresholds(manifest);
        const run = manifest.lastRun('filter');
        manifest.close();
        const reportDir = resolve(flags.report ?? join(out, 'report'));
        const result = await writeReport(files, out, reportDir, run, thresholds);
        process.stdout.write(
          `report: ${relative(process.cwd(), result.indexPath)} (${result.tiles} thumbnails); open it in a browser or serve the folder\n`,
        );
      } catch (err) {
        fail(err);
      }
    });
}
