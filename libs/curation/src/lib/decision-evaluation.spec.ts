import type { LabelRow } from '@portrait-forge/image-io';
import { evaluate } from './decision-evaluation';

describe('evaluate (decisions against labels)', () => {
  const labels: LabelRow[] = [
    { file: 'keep/a.jpg', expected: 'keep', category: 'keep', note: '' },
    { file: 'keep/b.jpg', expected: 'keep', category: 'keep', note: '' },
    { file: 'blurry/c.jpg', expected: 'reject', category: 'blurry', note: 'soft' },
    { file: 'either/d.jpg', expected: 'either', category: 'either', note: 'borderline' },
  ];

  it('does not score either rows; reports keep recall', () => {
    const got = new Map([
      ['keep/a.jpg', { decision: 'keep' as const, reasons: '' }],
      ['keep/b.jpg', { decision: 'reject' as const, reasons: 'blurry' }],
      ['blurry/c.jpg', { decision: 'reject' as const, reasons: 'blurry' }],
      ['either/d.jpg', { decision: 'reject' as const, reasons: 'tilted' }],
    ]);
    const e = evaluate(labels, got);
    expect(e.keepRecall).toBe(0.5);
    expect(e.reject).toMatchObject({ tp: 1, fp: 1, fn: 0 });
    expect(e.notScored).toEqual([{ file: 'either/d.jpg', got: 'reject', reasons: 'tilted' }]);
    expect(Object.keys(e.byCategory).sort()).toEqual(['blurry', 'keep']);
  });
});
