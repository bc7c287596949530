import { Manifest } from '@portrait-forge/manifest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { MANIFEST_FILE, runFilter } from './filter';
import { defaultThresholds } from './thresholds';

describe('a worker that dies', () => {
  it('is replaced; its file is retried once alone, and recorded as worker_crashed only when it dies again', async () => {
    const input = mkdtempSync(join(tmpdir(), 'pool-in-'));
    const out = mkdtempSync(join(tmpdir(), 'pool-out-'));
    for (const name of ['a', 'b', 'c', 'd']) {
      const jpeg = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#808080' } })
        .jpeg()
        .toBuffer();
      writeFileSync(join(input, `${name}.jpg`), jpeg);
    }
    const attempts: string[] = [];
    const lines: string[] = [];
    await runFilter({
      input,
      out,
      size: 256,
      workers: 2,
      silhouette: 'selfie',
      thresholds: defaultThresholds(256),
      log: (line) => lines.push(line),
      pool: {
        crashOn: (job, attempt) => {
          attempts.push(`${job.path}#${attempt}`);
          return (job.path === 'b.jpg' && attempt === 1) || job.path === 'c.jpg';
        },
      },
    });
    const manifest = Manifest.open(join(out, MANIFEST_FILE));
    const reasons = Object.fromEntries(manifest.files().map((f) => [f.path, f.reasons]));
    manifest.close();
    expect(reasons).toEqual({
      'a.jpg': ['no_face'],
      'b.jpg': ['no_face'],
      'c.jpg': ['worker_crashed'],
      'd.jpg': ['no_face'],
    });
    expect(attempts.filter((a) => a.endsWith('#2')).sort()).toEqual(['b.jpg#2', 'c.jpg#2']);
    expect(lines.some((l) => /c\.jpg: its worker died .* retrying it alone/.test(l))).toBe(true);
  }, 120_000);
});
