/**
 * PNG of a training run's `trainer report` (to look at the charts and alert markers without a desktop):
 * a headless-chromium screenshot of <run>/report.html, the whole page or, with --charts, from the
 * "Losses" heading down. Write the report first: `npx tsx apps/trainer/src/main.ts report --run DIR`.
 *
 *   npx tsx tools/scripts/report-png.ts --run data/monitor-proof/00001-broken-dlr50-small [--out FILE.png] [--charts]
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Command } from 'commander';
import { chromium } from 'playwright-core';
import { BROWSER_CANDIDATES, CHROMIUM_PATH } from '@portrait-forge/test-support';
import { REPORT_FILE } from '@portrait-forge/run-format';

interface Options {
  run: string;
  out?: string;
  charts: boolean;
}

async function main(opts: Options): Promise<void> {
  if (!CHROMIUM_PATH) {
    throw new Error(`no browser at ${BROWSER_CANDIDATES.join(', ')}: apt-get install -y chromium`);
  }
  const html = resolve(opts.run, REPORT_FILE);
  if (!existsSync(html)) {
    throw new Error(
      `${html} not found: write it first with \`npx tsx apps/trainer/src/main.ts report --run ${opts.run}\``,
    );
  }
  const out = opts.out ?? join(opts.run, opts.charts ? 'report-charts.png' : 'report.png');
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    await page.goto(pathToFileURL(html).href);
    if (opts.charts) {
      const top = await page.locator('h2', { hasText: 'Losses' }).boundingBox();
      const height = await page.evaluate(() => document.body.scrollHeight);
      const y = top?.y ?? 0;
      await page.screenshot({
        path: out,
        fullPage: true,
        clip: { x: 0, y, width: 1100, height: height - y },
      });
    } else {
      await page.screenshot({ path: out, fullPage: true });
    }
  } finally {
    await browser.close();
  }
  process.stderr.write(`screenshot of ${html} → ${out}\n`);
}

const program = new Command('report-png')
  .requiredOption('--run <dir>', 'training run directory (holding stats.jsonl)')
  .option('--out <png>', 'screenshot file (default <run>/report.png or report-charts.png)')
  .option('--charts', 'only the charts and grids (from the "Losses" heading down)', false)
  .action((opts: Options) => main(opts));
program.parseAsync().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
