import { defaultThresholds, mergeThresholds } from '@portrait-forge/curation/decide';
import { candidatesSql } from './thresholds';

describe('candidatesSql (the files a threshold change can flip)', () => {
  const before = defaultThresholds(256);
  const after = (patch: Parameters<typeof mergeThresholds>[1]) => mergeThresholds(before, patch, 'test');

  it('is the band between the old and the new cut of a one-column threshold', () => {
    expect(candidatesSql(before, after({ faceBrisque: 45 }))).toBe(
      `face_brisque BETWEEN 45 AND ${before.faceBrisque}`,
    );
    expect(candidatesSql(before, after({ brisque: 40 }))).toBe('brisque >= 40'); // was off (null)
    expect(candidatesSql(before, after({ faceBrisque: 60, brisque: 40 }))).toBe(
      `face_brisque BETWEEN ${before.faceBrisque} AND 60 OR brisque >= 40`,
    );
  });

  it('selects nothing for no change, and asks for every file when a face rule or symmetry changes', () => {
    expect(candidatesSql(before, before)).toBe('0');
    expect(candidatesSql(before, after({ face: { maxRollDeg: 5 } }))).toBeNull();
    expect(candidatesSql(before, after({ symmetry: 0.1 }))).toBeNull();
  });
});
