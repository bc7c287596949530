import { describeWithShared, sharedPath } from '@portrait-forge/test-support';
import { filterLabelledFolder } from '../testing';
import { readFileSync } from 'node:fs';

// Issue 7's bar: the whole pipeline (decode → face/pose → BRISQUE → symmetry → align, 2 workers,
// whole-photo BRISQUE on: its stored score is checked against OpenCV below),
// one default config, against labels.csv. All 171 files; ~1 min on an idle 2-core machine.
describeWithShared('data/faces-dev', 'faces-dev: full pipeline vs labels.csv', (dir) => {
  it('rejects with F1 ≥ 0.95 and recall ≥ 0.9 in every reject category', async () => {
    const { evaluation, files } = await filterLabelledFolder(dir, { photoBrisque: true });

    expect(evaluation.reject.f1).toBeGreaterThanOrEqual(0.95);
    expect(evaluation.missing).toEqual([]);
    const rejectRecalls = Object.entries(evaluation.byCategory)
      .filter(([category]) => category !== 'keep')
      .map(([category, score]) => ({ category, atLeast90: score.recall >= 0.9 }));
    expect(rejectRecalls.map((r) => r.category).sort()).toEqual([
      'blurry',
      'lowres',
      'multi',
      'noface',
      'tilted',
    ]);
    expect(rejectRecalls.filter((r) => !r.atLeast90)).toEqual([]);

    // The stored whole-photo BRISQUE is OpenCV's (ICC profiles ignored as cv2.imread does): the
    // brisque lib's bound against the same oracle, on every photo the pipeline scored.
    const oracle = new Map(
      readFileSync(sharedPath('oracles/brisque-opencv-faces-dev.csv'), 'utf8')
        .trim()
        .split('\n')
        .slice(1)
        .map((line) => line.split(','))
        .map(([file, score]): [string, number] => [file, Number(score)]),
    );
    const off = files
      .filter((f) => f.scores.brisque !== null && oracle.has(f.path))
      .map((f) => ({ file: f.path, delta: Math.abs((f.scores.brisque ?? 0) - (oracle.get(f.path) ?? 0)) }))
      .filter((d) => d.delta > 0.05);
    expect(files.filter((f) => f.scores.brisque !== null).length).toBe(oracle.size);
    expect(off).toEqual([]);
  }, 240_000);
});
