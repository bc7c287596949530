import { MANIFEST_FILE, parseReview } from '@portrait-forge/curation';
import { Manifest } from '@portrait-forge/manifest';
import { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_OUT, fail, outDir } from '../options';

export function reviewCommand(): Command {
  return new Command('review')
    .description(
      'store manual keep/reject choices exported from the report as overrides (later decide runs respect them)',
    )
    .requiredOption('--apply <file>', 'review.json saved by the report\'s "Export choices" button')
    .option('-o, --out <dir>', 'output folder of a filter run', DEFAULT_OUT)
    .action((flags: { apply: string; out?: string }) => {
      try {
        let text: string;
        try {
          text = readFileSync(flags.apply, 'utf8');
        } catch (err) {
          throw new Error(`${flags.apply}: cannot read (${err instanceof Error ? err.message : err})`);
        }
        const review = parseReview(text, flags.apply);
        const manifest = Manifest.open(join(outDir(flags.out), MANIFEST_FILE));
        const run = manifest.startRun({
          kind: 'review',
          inputRoot: null,
          config: { file: flags.apply },
          thresholds: {},
          versions: {},
        });
        const missing = manifest.setOverrides(
          review.overrides.map((o) => ({ ...o, note: o.note ?? `review ${flags.apply}` })),
        );
        manifest.endRun(run, {
          overrides: review.overrides.length - missing.length,
          unknown: missing.length,
        });
        manifest.close();
        process.stdout.write(`${review.overrides.length - missing.length} override(s) stored\n`);
        if (missing.length) process.stderr.write(`not in the manifest (ignored): ${missing.join(', ')}\n`);
      } catch (err) {
        fail(err);
      }
    });
}
