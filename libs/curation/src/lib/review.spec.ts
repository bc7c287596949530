import { parseReview } from './review';

describe('parseReview', () => {
  it('reads the report’s export (version defaults to 1)', () => {
    const text = JSON.stringify({
      format: 'portrait-forge-review',
      overrides: [
        { path: 'a.jpg', decision: 'keep', note: 'ok' },
        { path: 'b.jpg', decision: null },
      ],
    });
    expect(parseReview(text, 'r.json')).toEqual({
      format: 'portrait-forge-review',
      version: 1,
      overrides: [
        { path: 'a.jpg', decision: 'keep', note: 'ok' },
        { path: 'b.jpg', decision: null },
      ],
    });
  });

  it('names the file, the entry and the fix', () => {
    expect(() => parseReview('nope', 'r.json')).toThrow(/^r\.json: not JSON .*export it again/);
    expect(() => parseReview('{"overrides": []}', 'r.json')).toThrow(/^r\.json: format: .*export it again/);
    expect(() =>
      parseReview(
        JSON.stringify({ format: 'portrait-forge-review', overrides: [{ path: 'a', decision: 'maybe' }] }),
        'r.json',
      ),
    ).toThrow(/r\.json: overrides\.0\.decision: .*"decision": "keep"\|"reject"\|null/);
  });
});
