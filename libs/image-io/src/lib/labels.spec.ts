import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isScoredLabel, parseLabels, readLabels } from './labels';

describe('labels.csv', () => {
  const wild = [
    'file,expected,category,note',
    'keep/a.jpg,keep,keep,"frontal, sharp"',
    'keep/b.jpg,keep,keep,',
    'blurry/c.jpg,reject,blurry,"says ""soft"""',
    'either/d.jpg,either,either,borderline',
  ].join('\n');

  it('reads faces-wild-dev rows (quoted notes, either) and faces-dev rows', () => {
    expect(parseLabels(wild)[0]).toEqual({
      file: 'keep/a.jpg',
      expected: 'keep',
      category: 'keep',
      note: 'frontal, sharp',
    });
    expect(parseLabels(wild)[2].note).toBe('says "soft"');
    expect(parseLabels('file,expected,category\nx.jpg,reject,multi\n')).toEqual([
      { file: 'x.jpg', expected: 'reject', category: 'multi', note: '' },
    ]);
    expect(() => parseLabels('file,expected,category\nx.jpg,maybe,multi', 'L.csv')).toThrow(
      /L.csv:2: expected must be keep, reject or either, got "maybe"/,
    );
  });

  it('readLabels names the file in its errors; isScoredLabel drops either rows', () => {
    const dir = mkdtempSync(join(tmpdir(), 'labels-'));
    writeFileSync(join(dir, 'labels.csv'), 'file,category\n');
    expect(() => readLabels(dir)).toThrow(new RegExp(`${join(dir, 'labels.csv')}: header must be`));
    expect(
      parseLabels(wild)
        .filter(isScoredLabel)
        .map((l) => l.file),
    ).toEqual(['keep/a.jpg', 'keep/b.jpg', 'blurry/c.jpg']);
  });
});
