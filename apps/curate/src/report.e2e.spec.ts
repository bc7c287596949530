import { decideAll, defaultThresholds, writeReport } from '@portrait-forge/curation';
import { Manifest, type FileRecord } from '@portrait-forge/manifest';
import { analysedPhoto } from '@portrait-forge/manifest/testing';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describeWithChromium } from '@portrait-forge/test-support';
import { chromium } from 'playwright-core';
import sharp from 'sharp';
import { CLI, NODE_TSX, WORKSPACE } from './testing/corpus';

jest.setTimeout(120_000);

const SCREENSHOT_DIR = resolve(WORKSPACE, 'tmp/curate-e2e');

/** Three analysed files written straight into a manifest (no models needed): one kept, two rejected. */
async function fixture(out: string): Promise<Manifest> {
  mkdirSync(join(out, 'thumbs'), { recursive: true });
  mkdirSync(join(out, 'aligned'), { recursive: true });
  const manifest = Manifest.open(join(out, 'manifest.sqlite'));
  const records: FileRecord[] = [];
  for (const [i, [path, decision, reasons, brisque]] of (
    [
      ['kept one.jpg', 'keep', [], 20],
      ['blurry/soft.jpg', 'reject', ['blurry'], 70],
      ['ünïcode.jpg', 'reject', ['tilted'], 30],
    ] as const
  ).entries()) {
    const colour = ['#c96', '#69c', '#9c6'][i];
    await sharp({ create: { width: 200, height: 160, channels: 3, background: colour } })
      .jpeg()
      .toFile(join(out, `thumbs/${i}.jpg`));
    await sharp({ create: { width: 256, height: 256, channels: 3, background: colour } })
      .png()
      .toFile(join(out, `aligned/${i}.png`));
    records.push(
      analysedPhoto(path, i, {
        roll: i * 10,
        brisque,
        alignedPath: `aligned/${i}.png`,
        alignedQuad: null,
        decision,
        reasons: [...reasons],
      }),
    );
  }
  manifest.writeFiles(records, null);
  return manifest;
}

describeWithChromium('report e2e (headless chromium)', (browserPath) => {
  it('flips a thumbnail, exports the choice, and review --apply makes it an override decide respects', async () => {
    const out = mkdtempSync(join(tmpdir(), 'curate-e2e-'));
    const manifest = await fixture(out);
    const thresholds = defaultThresholds(256);
    const { indexPath } = await writeReport(manifest.files(), out, join(out, 'report'), null, thresholds);
    manifest.close();

    const browser = await chromium.launch({ executablePath: browserPath, args: ['--no-sandbox'] });
    try {
      const page = await browser.newPage({ acceptDownloads: true, viewport: { width: 1200, height: 900 } });
      await page.goto(`file://${indexPath}`);
      expect(await page.locator('svg .threshold').count()).toBeGreaterThanOrEqual(3);
      expect(await page.locator('.tile[data-path="blurry/soft.jpg"] svg.marks circle').count()).toBe(68);
      const tile = page.locator('.tile[data-path="blurry/soft.jpg"]').first();
      expect(await tile.getAttribute('title')).toMatch(/BRISQUE 70\.00/);
      await tile.locator('button').click();
      expect(await tile.getAttribute('data-decision')).toBe('keep');
      expect(await page.locator('#changed-count').textContent()).toBe('1');
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-review')]);
      const reviewFile = join(out, 'review.json');
      await download.saveAs(reviewFile);
      mkdirSync(SCREENSHOT_DIR, { recursive: true });
      await page.screenshot({ path: join(SCREENSHOT_DIR, 'report.png'), fullPage: true });
      const review = JSON.parse(readFileSync(reviewFile, 'utf8'));
      expect(review).toEqual({
        format: 'portrait-forge-review',
        version: 1,
        overrides: [{ path: 'blurry/soft.jpg', decision: 'keep' }],
      });
      expect(await page.inputValue('#review-json')).toContain('blurry/soft.jpg');
    } finally {
      await browser.close();
    }

    const [node, nodeArgs] = NODE_TSX;
    const applied = spawnSync(
      node,
      [...nodeArgs, CLI, 'review', '--apply', join(out, 'review.json'), '--out', out],
      { cwd: WORKSPACE, encoding: 'utf8' },
    );
    expect(applied.stderr).toBe('');
    expect(applied.stdout).toMatch(/1 override\(s\) stored/);
    const after = Manifest.open(join(out, 'manifest.sqlite'));
    const { outcomes } = decideAll(after.decisionInputs(), thresholds);
    after.updateDecisions(outcomes);
    expect(
      after
        .kept()
        .map((k) => k.path)
        .sort(),
    ).toEqual(['blurry/soft.jpg', 'kept one.jpg']);
    after.close();
    writeFileSync(
      join(SCREENSHOT_DIR, 'README.txt'),
      'report.png: written by apps/curate/src/report.e2e.spec.ts\n',
    );
  });
});
