import { describeWithShared } from '@portrait-forge/test-support';
import { effectiveDecision, Manifest } from '@portrait-forge/manifest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evaluate, formatEvaluation, parseLabels } from './evaluate';
import { runFilter } from './filter';
import { defaultThresholds } from './thresholds';

// Issue 7's bar: the whole pipeline (decode → face/pose → BRISQUE → symmetry → align, 2 workers),
// one default config, against labels.csv. All 171 files; ~1 min on an idle 2-core machine.
describeWithShared('data/faces-dev', 'faces-dev: full pipeline vs labels.csv', (dir) => {
  let out: string;
  beforeAll(() => {
    out = mkdtempSync(join(tmpdir(), 'curate-faces-dev-'));
  });
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('rejects with F1 ≥ 0.95 and recall ≥ 0.9 in every reject category', async () => {
    await runFilter({
      input: dir,
      out,
      size: 256,
      workers: 2,
      thresholds: defaultThresholds(256),
      log: () => undefined,
    });
    const manifest = Manifest.open(join(out, 'manifest.sqlite'));
    const files = manifest.files();
    manifest.close();
    const decisions = new Map(
      files.map((f) => [f.path, { decision: effectiveDecision(f), reasons: f.reasons.join(';') }]),
    );
    const evaluation = evaluate(parseLabels(readFileSync(join(dir, 'labels.csv'), 'utf8')), decisions);
    const wrong = evaluation.wrong.map((w) => `  ${w.file} (${w.category}) → ${w.got} ${w.reasons}`);
    console.log(`${formatEvaluation(evaluation)}\nwrong:\n${wrong.join('\n')}`);

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
  }, 240_000);
});
