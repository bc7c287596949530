import { emptyScores, type StoredFile } from '@portrait-forge/manifest';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TILES_PER_PAGE, writeReport } from './report';
import { defaultThresholds } from './thresholds';

function file(id: number, reasons: string[]): StoredFile {
  return {
    id,
    runId: null,
    path: `p${String(id).padStart(4, '0')}.jpg`,
    size: 1,
    mtimeMs: 0,
    sha256: `h${id}`,
    width: 100,
    height: 100,
    decodeError: null,
    scores: { ...emptyScores(), faceCount: 1, faceSize: 200, roll: 1, yaw: 1, brisque: 20 },
    faces: [],
    alignedPath: `aligned/${id}.png`,
    alignedQuad: null,
    thumbPath: null,
    thumbScale: null,
    phash: null,
    stageMs: {},
    decision: reasons.length ? 'reject' : 'keep',
    reasons,
    override: null,
    overrideNote: null,
    duplicateOf: null,
  };
}

describe('static report', () => {
  it('pages through every file of a section instead of stopping', async () => {
    const kept = 2 * TILES_PER_PAGE + 50;
    const files = [
      ...Array.from({ length: kept }, (_, i) => file(i + 1, [])),
      ...Array.from({ length: 7 }, (_, i) => file(kept + i + 1, ['blurry'])),
    ];
    const dir = mkdtempSync(join(tmpdir(), 'report-'));
    const result = await writeReport(files, dir, join(dir, 'report'), null, defaultThresholds());
    expect(result.tiles).toBe(files.length);
    expect(result.pages).toBe(3);
    expect(
      readdirSync(join(dir, 'report'))
        .filter((f) => f.endsWith('.html'))
        .sort(),
    ).toEqual(['index.html', 'kept-2.html', 'kept-3.html']);
    const shown = ['index.html', 'kept-2.html', 'kept-3.html'].flatMap((page) =>
      [
        ...readFileSync(join(dir, 'report', page), 'utf8').matchAll(
          /class="tile [a-z]+" data-path="([^"]+)"/g,
        ),
      ].map((m) => m[1]),
    );
    expect(shown.sort()).toEqual(files.map((f) => f.path).sort());
    const index = readFileSync(join(dir, 'report', 'index.html'), 'utf8');
    expect(index).toContain(`Kept (1–${TILES_PER_PAGE} of ${kept})`);
    expect(index).toContain('<a href="kept-2.html#reason-kept">2</a>');
    expect(index).toContain('Rejected: blurry (7)');
    const last = readFileSync(join(dir, 'report', 'kept-3.html'), 'utf8');
    expect(last).toContain(`Kept (${2 * TILES_PER_PAGE + 1}–${kept} of ${kept})`);
    expect(last).not.toContain('Score histograms');
    expect(last).toContain('<a href="index.html">Back to the summary</a>');
  });
});
