import { applyReview, MANIFEST_FILE, parseReview } from '@portrait-forge/curation/decide';
import { Manifest } from '@portrait-forge/manifest';
import { startReviewServer } from '@portrait-forge/review-server';
import { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { positiveInt } from '@portrait-forge/cli';
import { DEFAULT_OUT, fail, outDir } from '../options';

interface ReviewFlags {
  apply?: string;
  out?: string;
  host: string;
  port?: number;
}

/** `--apply FILE`: stores the choices the static report exported as overrides. */
function applyReviewFile(file: string, out: string | undefined): void {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`${file}: cannot read (${err instanceof Error ? err.message : err})`);
  }
  const review = parseReview(text, file);
  const manifest = Manifest.open(join(outDir(out), MANIFEST_FILE));
  const { stored, missing } = applyReview(manifest, review, file);
  manifest.close();
  process.stdout.write(`${stored} override(s) stored; decisions.csv rewritten\n`);
  if (missing.length) process.stderr.write(`not in the manifest (ignored): ${missing.join(', ')}\n`);
}

/** Serves the triage UI until Ctrl-C, then brings decisions.csv up to date. */
async function serve(flags: ReviewFlags): Promise<void> {
  const server = await startReviewServer({ outDir: outDir(flags.out), host: flags.host, port: flags.port });
  process.stdout.write(`review UI: ${server.url}\n(open it in a browser; Ctrl-C to stop)\n`);
  const stop = () => {
    server.close().then(
      () => process.exit(0),
      (err: unknown) => fail(err),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

export function reviewCommand(): Command {
  return new Command('review')
    .description(
      'serve a local triage UI over the manifest (keyboard keep/reject, live thresholds); with --apply, store choices exported from the static report',
    )
    .option('--apply <file>', 'review.json saved by the report\'s "Export choices" button')
    .option('-o, --out <dir>', 'output folder of a filter run', DEFAULT_OUT)
    .option(
      '--host <host>',
      'interface to listen on (anything but loopback is reachable by others)',
      '127.0.0.1',
    )
    .option('--port <n>', 'port; unset: a free one', positiveInt)
    .action(async (flags: ReviewFlags) => {
      try {
        if (flags.apply) applyReviewFile(flags.apply, flags.out);
        else await serve(flags);
      } catch (err) {
        fail(err);
      }
    });
}
