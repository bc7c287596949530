import { isKept, type StoredFile } from '@portrait-forge/manifest';
import { storedFile } from '@portrait-forge/manifest/testing';
import { decisionsCsv } from './csv';
import { summarise } from './summary';

/** Rows covering every case "kept" depends on: decision × override × duplicate × aligned crop. */
function everyCase(): StoredFile[] {
  const files: StoredFile[] = [storedFile(1, 'original.jpg')];
  for (const decision of ['keep', 'reject'] as const)
    for (const override of [null, 'keep', 'reject'] as const)
      for (const duplicateOf of [null, 1])
        for (const aligned of [true, false]) {
          const path = `${decision}-${override}-${duplicateOf}-${aligned}.jpg`;
          files.push(
            storedFile(files.length + 1, path, {
              decision,
              reasons: decision === 'reject' ? ['blurry'] : [],
              override,
              duplicateOf,
              alignedPath: aligned ? `aligned/${path}.png` : null,
            }),
          );
        }
  return files;
}

describe('one "kept" for the summary, the CSV and the manifest', () => {
  const files = everyCase();
  const kept = files.filter(isKept).map((f) => f.path);

  it('summary counts exactly the kept files', () => {
    expect(summarise(files).kept).toBe(kept.length);
  });

  it('decisions.csv says keep exactly for the kept files, and why the others are not', () => {
    const rows = decisionsCsv(files)
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => line.split(','));
    expect(rows.filter((r) => r[1] === 'keep').map((r) => r[0])).toEqual([...kept].sort());
    const row = (path: string) => rows.find((r) => r[0] === path)!;
    expect(row('keep-keep-1-true.jpg').slice(1, 3)).toEqual(['reject', 'duplicate']);
    expect(row('reject-keep-null-false.jpg').slice(1, 3)).toEqual(['reject', 'blurry;no_aligned_crop']);
  });
});
