import {
  decideAll,
  decisionsCsv,
  mergeThresholds,
  storedThresholds,
  type Thresholds,
} from '@portrait-forge/curation/decide';
import { Manifest, type Decision } from '@portrait-forge/manifest';
import { describeWithChromium } from '@portrait-forge/test-support';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { curatedSample } from '../testing/sample';
import { startReviewServer, type ReviewServer } from './server';

jest.setTimeout(240_000);

/** Screenshots for people to look at (data/ is git-ignored). */
const SCREENSHOTS = resolve(__dirname, '../../../../data/review-ui');

const focusedId = (page: Page) => page.getAttribute('.tile.focus', 'data-id');
const text = (page: Page, selector: string) => page.locator(selector).first().innerText();

describeWithChromium('review UI in a real browser', (executablePath) => {
  let server: ReviewServer;
  let out: string;
  let before: Thresholds;

  beforeAll(async () => {
    ({ out } = await curatedSample(mkdtempSync(join(tmpdir(), 'review-e2e-'))));
    server = await startReviewServer({ outDir: out, log: () => undefined, csvDelayMs: 20 });
    before = storedThresholds(server.manifest);
    mkdirSync(SCREENSHOTS, { recursive: true });
  });
  afterAll(() => server.close());

  it('triages 20 photos by keyboard, undoes one, applies a threshold; manifest, decisions.csv and kept agree', async () => {
    const browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
    const expected = new Map<number, Decision>();
    let uiDecisions: Map<number, string>;
    let newFaceBrisque = 0;
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(server.url);
      expect(new URL(page.url()).search).toBe('');
      // 10 per page, so triage crosses two page boundaries.
      await page.goto(`http://127.0.0.1:${server.port}/?limit=10`);
      await page.waitForSelector('body[data-ready="true"]');
      expect(await page.locator('.tile').count()).toBe(10);
      expect(await text(page, '#page-info')).toMatch(/page 1 · 1–10 of 24/);
      await page.waitForFunction(() =>
        [...document.querySelectorAll<HTMLImageElement>('.tile img')].every(
          (i) => i.complete && i.naturalWidth > 0,
        ),
      );
      const outline = await page
        .locator('.tile.focus')
        .evaluate((n) => getComputedStyle(n).outlineStyle + ' ' + getComputedStyle(n).outlineWidth);
      expect(outline).toBe('solid 4px');
      await page.screenshot({ path: join(SCREENSHOTS, 'gallery.png') });

      // Detail of the first photo (astronaut.jpg, one face): landmarks, quad, crop, which threshold.
      await page.keyboard.press(' ');
      await page.waitForSelector('#detail:not([hidden]) #detail-checks tr');
      expect(await page.locator('#detail-marks circle.landmark').count()).toBe(68);
      expect(await page.locator('#detail-marks polygon.quad').count()).toBe(1);
      await page.waitForFunction(() => {
        const a = document.getElementById('detail-aligned') as HTMLImageElement;
        const p = document.getElementById('detail-photo') as HTMLImageElement;
        return a.complete && a.naturalWidth === 256 && p.complete && p.naturalWidth > 0;
      });
      expect(await text(page, '#detail-title')).toMatch(/astronaut\.jpg/);
      await page.screenshot({ path: join(SCREENSHOTS, 'detail.png') });
      await page.keyboard.press('Escape');
      expect(await page.locator('#detail').isHidden()).toBe(true);

      for (let i = 0; i < 20; i++) {
        const id = Number(await focusedId(page));
        const key = i % 3 === 0 ? 'r' : 'a';
        await page.keyboard.press(key);
        expected.set(id, key === 'a' ? 'keep' : 'reject');
        await page.waitForFunction(
          ([prev, n]) =>
            document.querySelector<HTMLElement>('.tile.focus')?.dataset['id'] !== String(prev) &&
            document.getElementById('count-overrides')?.textContent === String(n),
          [id, i + 1] as const,
        );
      }
      expect(await text(page, '#page-info')).toMatch(/page 3 · 21–24 of 24/);
      const last = [...expected.keys()][19];
      await page.keyboard.press('u');
      await page.waitForFunction(() => document.getElementById('count-overrides')?.textContent === '19');
      expected.delete(last);
      const lastPath = server.manifest.fileDetail(last)?.path;
      expect(await text(page, '#toast')).toBe(`undone: keep on ${lastPath}`); // the 20th key was 'a'

      // A threshold: the count of flips, paged through, then applied.
      // Just above the blurriest face of the photos rejected only as blurry: those become keeps.
      const onlyBlurry = server.manifest
        .galleryPage({ reason: 'blurry', limit: 1000 })
        .tiles.filter((t) => t.reasons.length === 1 && t.scores.faceBrisque !== null);
      expect(onlyBlurry.length).toBeGreaterThan(0);
      newFaceBrisque = Math.ceil(Math.max(...onlyBlurry.map((t) => t.scores.faceBrisque as number))) + 1;
      await page.click('#thresholds summary');
      await page.fill('#threshold-fields input[name="faceBrisque"]', String(newFaceBrisque));
      await page.waitForFunction(() =>
        /would change/.test(document.getElementById('preview-summary')?.textContent ?? ''),
      );
      const after = mergeThresholds(before, { faceBrisque: newFaceBrisque });
      const flips = decideAll(server.manifest.decisionInputs(), after).changes.filter(
        (c) => c.from.decision !== c.to.decision,
      );
      expect(flips.length).toBeGreaterThan(0);
      expect(await page.getAttribute('#preview-summary', 'data-changed')).toBe(String(flips.length));
      await page.click('#show-changes');
      await page.waitForFunction(() =>
        /would flip/.test(document.getElementById('page-info')?.textContent ?? ''),
      );
      expect(await text(page, '#page-info')).toContain(`of ${flips.length}`);
      const shown = await page
        .locator('.tile')
        .evaluateAll((nodes) => nodes.map((n) => Number((n as HTMLElement).dataset['id'])));
      expect(shown.sort((a, b) => a - b)).toEqual(
        flips
          .map((c) => c.id)
          .sort((a, b) => a - b)
          .slice(0, 10),
      );
      expect(await page.locator('.tile .badge.proposed').count()).toBe(shown.length);
      await page.screenshot({ path: join(SCREENSHOTS, 'threshold-preview.png') });
      await page.click('#apply-thresholds');
      await page.waitForFunction(() =>
        /re-decided/.test(document.getElementById('toast')?.textContent ?? ''),
      );

      // What the UI shows now, every file on one page.
      await page.goto(`http://127.0.0.1:${server.port}/?limit=100`);
      await page.waitForSelector('body[data-ready="true"]');
      uiDecisions = new Map(
        await page
          .locator('.tile')
          .evaluateAll((nodes) =>
            nodes.map(
              (n) =>
                [
                  Number((n as HTMLElement).dataset['id']),
                  String((n as HTMLElement).dataset['decision']),
                ] as [number, string],
            ),
          ),
      );
      expect(uiDecisions.size).toBe(24);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
    await server.close();

    const m = Manifest.open(join(out, 'manifest.sqlite'), { readonly: true });
    const files = m.files();
    const overrides = new Map(files.filter((f) => f.override !== null).map((f) => [f.id, f.override]));
    expect(overrides).toEqual(expected);
    const applied = mergeThresholds(before, { faceBrisque: newFaceBrisque });
    expect(decideAll(m.decisionInputs(), applied).changes).toEqual([]);
    expect(m.lastRun('decide')?.thresholds['faceBrisque']).toBe(newFaceBrisque);
    const kept = new Set(m.kept().map((k) => k.id));
    const csv = readFileSync(join(out, 'decisions.csv'), 'utf8');
    expect(csv).toBe(decisionsCsv(files));
    const csvDecision = new Map(
      csv
        .trim()
        .split('\n')
        .slice(1)
        .map((line) => [line.split(',')[0], line.split(',')[1]]),
    );
    for (const f of files) {
      const ui = uiDecisions.get(f.id);
      expect([f.path, ui]).toEqual([f.path, kept.has(f.id) ? 'keep' : 'reject']);
      expect([f.path, csvDecision.get(f.path)]).toEqual([f.path, ui]);
    }
    m.close();
  });
});
