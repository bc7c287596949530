import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { createAnalyzer, type Analyzer } from './analyse';
import { sha256 } from './hash';
import { defaultThresholds } from './thresholds';

// A file's analysis is only returned once its crop and thumbnail are on disk, and a failed write never
// leaves a row pointing at a crop that is not there.
describe('analyse: crop and thumbnail writes', () => {
  const photo = readFileSync(join(__dirname, '../../../../data/samples/grace_hopper.jpg'));
  const job = { path: 'grace_hopper.jpg', sha256: sha256(photo), buffer: photo };
  const stem = job.sha256.slice(0, 16);
  const logged: string[] = [];
  const analyzerIn = (outDir: string): Promise<Analyzer> =>
    createAnalyzer(
      {
        outDir,
        size: 256,
        detector: 'blazeface',
        silhouette: 'selfie',
        face: defaultThresholds(256).face,
        maxPixels: 100_000_000,
        thumbSize: 64,
        photoBrisque: false,
      },
      (line) => logged.push(line),
    );
  /** An output folder where `blocked` (relative) is a directory, so that file's rename fails. */
  const outWith = (blocked?: string) => {
    const dir = mkdtempSync(join(tmpdir(), 'analyse-writes-'));
    if (blocked) mkdirSync(join(dir, blocked), { recursive: true });
    return dir;
  };
  beforeAll(() => analyzerIn(outWith()), 120_000);

  it('both files are complete when the analysis is returned', async () => {
    const outDir = outWith();
    const analysis = await (await analyzerIn(outDir)).analyse(job);
    expect(analysis.alignedPath).toBe(`aligned/${stem}.png`);
    expect(analysis.scores.faceBrisque).not.toBeNull();
    expect(Object.keys(analysis.stageMs)).toEqual(
      expect.arrayContaining(['decode', 'detect', 'align', 'faceBrisque', 'symmetry', 'thumb']),
    );
    const crop = await sharp(join(outDir, analysis.alignedPath ?? '')).metadata();
    const thumb = await sharp(join(outDir, analysis.thumbPath ?? '')).metadata();
    expect([crop.width, crop.height, Math.max(thumb.width ?? 0, thumb.height ?? 0)]).toEqual([256, 256, 64]);
  }, 60_000);

  it('a crop that cannot be written: no crop path, nothing measured on it, and the log says why', async () => {
    const analysis = await (await analyzerIn(outWith(`aligned/${stem}.png`))).analyse(job);
    expect(analysis).toMatchObject({ alignedPath: null, alignedQuad: null, phash: null });
    expect(analysis.scores).toMatchObject({ faceBrisque: null, symmetry: null, faceCount: 1 });
    expect(logged.join('\n')).toMatch(/grace_hopper\.jpg: alignment failed \(.*(EISDIR|directory)/);
  }, 60_000);

  it('a thumbnail that cannot be written fails the file', async () => {
    const analyzer = await analyzerIn(outWith(`thumbs/${stem}.jpg`));
    await expect(analyzer.analyse(job)).rejects.toThrow(/rename|EISDIR|directory/i);
  }, 60_000);
});
