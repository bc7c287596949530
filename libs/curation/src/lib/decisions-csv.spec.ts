import { Manifest } from '@portrait-forge/manifest';
import { fileRecord, tempManifestPath } from '@portrait-forge/manifest/testing';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { photoRecord } from '../testing';
import { comparePaths, decisionsCsv, DECISIONS_FILE } from './csv';
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

describe('decisions.csv streamed from the manifest', () => {
  it('has the bytes decisionsCsv gives over every row, across batches, duplicates and odd paths', () => {
    const m = Manifest.open(tempManifestPath());
    const odd = ['b,"quoted".jpg', 'z/\u{1F600}.jpg', 'z/\uFF01.jpg', 'z/\u00E9.jpg', 'Z.jpg'];
    const paths = [
      ...Array.from({ length: 2500 }, (_, i) => `dir/${String(i).padStart(5, '0')}.jpg`),
      ...odd,
    ];
    m.writeFiles(
      paths.map((p) => fileRecord(p)),
      null,
    );
    redecide(m, defaultThresholds(256));
    const ids = new Map(m.files({ faces: false }).map((f) => [f.path, f.id]));
    const id = (p: string) => ids.get(p) as number;
    m.setDuplicates([
      { id: id('dir/02400.jpg'), duplicateOf: id('dir/00001.jpg') },
      { id: id('z/\uFF01.jpg'), duplicateOf: id('b,"quoted".jpg') },
    ]);
    m.setOverrides([{ path: 'dir/01500.jpg', decision: 'keep' }]);
    applyReview(m, { format: 'portrait-forge-review', version: 1, overrides: [] }, 'r.json');
    const csv = readFileSync(join(dirname(m.file), DECISIONS_FILE), 'utf8');
    expect(csv).toBe(decisionsCsv(m.files({ faces: false })));
    expect(csv.split('\n')).toHaveLength(paths.length + 2);
    m.close();
  });

  it('orders paths as SQLite does (UTF-8 bytes), also past U+FFFF', () => {
    const paths = ['a', 'ab', '\u{1F600}', '\uFF01', '\u00E9', 'B', '\u{10000}x', '\uE000'];
    const bytes = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));
    expect([...paths].sort(comparePaths)).toEqual([...paths].sort(bytes));
  });
});

describe('redecide with onChanges', () => {
  it('hands each batch over instead of collecting it, and stores the same outcomes', () => {
    const m = Manifest.open(tempManifestPath());
    m.writeFiles(
      Array.from({ length: 1500 }, (_, i) => photoRecord(`${i}.jpg`, undefined, { faceBrisque: i % 60 })),
      null,
    );
    const t = defaultThresholds(256);
    redecide(m, t);
    const handed: number[] = [];
    const result = redecide(m, mergeThresholds(t, { faceBrisque: 30 }), {
      onChanges: (changes) => handed.push(...changes.map((c) => c.id)),
    });
    expect(result.changes).toEqual([]);
    expect(result.changed).toBe(handed.length);
    expect(handed.length).toBeGreaterThan(0);
    const rejected = m.files({ faces: false }).filter((f) => f.reasons.includes('blurry'));
    expect(rejected.map((f) => f.path).sort()).toEqual(
      Array.from({ length: 1500 }, (_, i) => i)
        .filter((i) => i % 60 > 30)
        .map((i) => `${i}.jpg`)
        .sort(),
    );
    expect(m.runs().at(-1)?.counts).toEqual({ files: 1500, changed: handed.length });
    m.close();
  });
});
