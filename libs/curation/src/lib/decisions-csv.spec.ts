import { Manifest } from '@portrait-forge/manifest';
import { fileRecord, tempManifestPath } from '@portrait-forge/manifest/testing';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { photoRecord } from '../testing';
import { DECISIONS_FILE } from './csv';
import { markDuplicates } from './dedupe';
import { redecide } from './redecide';
import { applyReview } from './review';
import { defaultThresholds, mergeThresholds } from './thresholds';

/** decisions.csv as `file → [decision, reasons]`. */
function csvRows(m: Manifest): Map<string, [string, string]> {
  const lines = readFileSync(join(dirname(m.file), DECISIONS_FILE), 'utf8')
    .trim()
    .split('\n')
    .slice(1);
  return new Map(lines.map((l) => l.split(',')).map((c): [string, [string, string]] => [c[0], [c[1], c[2]]]));
}

describe('every command that changes decisions rewrites decisions.csv', () => {
  it('decide, review --apply and dedupe each leave a CSV that matches the manifest, with no temp file', () => {
    const m = Manifest.open(tempManifestPath());
    const photo = (path: string, brisque: number, phash: string) =>
      photoRecord(path, undefined, { faceBrisque: brisque }, { phash });
    m.writeFiles(
      [
        photo('a.jpg', 20, '00ff00ff00ff00ff'),
        photo('b.jpg', 40, '00ff00ff00ff00fe'),
        photo('c.jpg', 60, 'ffffffffffffffff'),
      ],
      null,
    );
    const t = defaultThresholds(256);

    redecide(m, t);
    expect(csvRows(m)).toEqual(
      new Map([
        ['a.jpg', ['keep', '']],
        ['b.jpg', ['keep', '']],
        ['c.jpg', ['reject', 'blurry']],
      ]),
    );

    redecide(m, mergeThresholds(t, { faceBrisque: 30 }));
    expect(csvRows(m).get('b.jpg')).toEqual(['reject', 'blurry']);

    applyReview(
      m,
      { format: 'portrait-forge-review', version: 1, overrides: [{ path: 'c.jpg', decision: 'keep' }] },
      'r.json',
    );
    expect(csvRows(m).get('c.jpg')).toEqual(['keep', 'blurry']);

    applyReview(
      m,
      { format: 'portrait-forge-review', version: 1, overrides: [{ path: 'b.jpg', decision: 'keep' }] },
      'r.json',
    );
    const { duplicates } = markDuplicates(m, { distance: 4, exactOnly: false });
    expect(duplicates).toBe(1);
    expect(csvRows(m).get('b.jpg')).toEqual(['reject', 'blurry;duplicate']);
    expect(csvRows(m).get('a.jpg')).toEqual(['keep', '']);

    expect(readdirSync(dirname(m.file)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    m.close();
  });

  it('a dry run changes neither the manifest nor the CSV', () => {
    const m = Manifest.open(tempManifestPath());
    m.writeFiles([fileRecord('a.jpg')], null);
    redecide(m, defaultThresholds(256), { dryRun: true });
    expect(readdirSync(dirname(m.file))).not.toContain(DECISIONS_FILE);
    expect(m.runs()).toEqual([]);
    m.close();
  });
});
