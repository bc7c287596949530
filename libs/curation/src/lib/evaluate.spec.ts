import { evaluate, parseLabels } from './evaluate';

describe('parseLabels / evaluate', () => {
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

  it('does not score either rows; reports keep recall', () => {
    const got = new Map([
      ['keep/a.jpg', { decision: 'keep' as const, reasons: '' }],
      ['keep/b.jpg', { decision: 'reject' as const, reasons: 'blurry' }],
      ['blurry/c.jpg', { decision: 'reject' as const, reasons: 'blurry' }],
      ['either/d.jpg', { decision: 'reject' as const, reasons: 'tilted' }],
    ]);
    const e = evaluate(parseLabels(wild), got);
    expect(e.keepRecall).toBe(0.5);
    expect(e.reject).toMatchObject({ tp: 1, fp: 1, fn: 0 });
    expect(e.notScored).toEqual([{ file: 'either/d.jpg', got: 'reject', reasons: 'tilted' }]);
    expect(Object.keys(e.byCategory).sort()).toEqual(['blurry', 'keep']);
  });
});
