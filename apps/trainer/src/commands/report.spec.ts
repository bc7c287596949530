import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toTraceRecord } from '@portrait-forge/metrics';
import { metricPoints } from '@portrait-forge/metrics';
import { alertMarkers, readRun, runReport } from './report';

function stat(mean: number | null): { num: number; mean: number | null; std: number } {
  return { num: 8, mean, std: 0 };
}

describe('trainer:report', () => {
  it('renders loss/metric/ADA charts, monitor alerts and sample grids from a run directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'run-'));
    const lines = Array.from({ length: 30 }, (_, i) =>
      JSON.stringify({
        'Loss/G/loss': stat(i < 29 ? 1.5 : null), // NaN at the end → divergence alert
        'Loss/D/loss': stat(1.2),
        'Loss/r1_penalty': stat(0.2),
        'Progress/kimg': stat(i * 4),
        'Progress/augment': stat(i * 0.01),
        timestamp: 1700000000 + i,
      }),
    );
    writeFileSync(join(dir, 'stats.jsonl'), lines.join('\n') + '\n');
    writeFileSync(
      join(dir, 'metric-fid50k_full-face128.jsonl'),
      [40, 80]
        .map((k, i) =>
          JSON.stringify({
            results: { 'fid50k_full[face128]': 80 - i * 30 },
            snapshot_pkl: `network-snapshot-${String(k).padStart(6, '0')}.pkl`,
          }),
        )
        .join('\n'),
    );
    mkdirSync(join(dir, 'samples'));
    writeFileSync(join(dir, 'fakes000000.png'), '');
    writeFileSync(join(dir, 'samples', 'fakes000080.png'), '');
    const run = await readRun(dir);
    expect(run.trace).toHaveLength(30);
    expect(run.grids.map((g) => g.kimg)).toEqual([0, 80]);
    const out = await runReport({ run: dir });
    const html = readFileSync(out, 'utf8');
    expect(html.match(/<svg/g)?.length).toBeGreaterThanOrEqual(4);
    expect(html).toContain('fid50k_full[face128]');
    expect(html).toContain('src="samples/fakes000080.png"');
    expect(html).toMatch(/ALERT divergence at kimg 116: Loss\/G\/loss is NaN/);
    // The alert is marked on the charts (no live Alerts/ keys in this run: the monitor's verdict).
    expect(html).toMatch(/stroke-dasharray="4 3"\/><text [^>]*>ALERT divergence<\/text>/);
    // fakes000000.008.png-style names of sub-kimg ticks are found too.
    writeFileSync(join(dir, 'fakes000000.008.png'), '');
    expect((await readRun(dir)).grids.map((g) => g.kimg)).toEqual([0, 0.008, 80]);
  });

  it("marks the trainer's live Alerts/<rule> at each rising edge", () => {
    const on = { num: 1, mean: 1, std: 0 };
    const trace = [0, 1, 2, 3, 4, 5].map((i) =>
      toTraceRecord({
        'Progress/kimg': { num: 1, mean: i, std: 0 },
        ...(i === 2 || i === 3 || i === 5 ? { 'Alerts/d-overfitting': on } : {}),
        ...(i === 3 ? { 'Alerts/vanishing-gradients': on } : {}),
      }),
    );
    expect(alertMarkers(trace, [])).toEqual([
      { x: 2, label: 'ALERT d-overfitting' },
      { x: 3, label: 'ALERT vanishing-gradients' },
      { x: 5, label: 'ALERT d-overfitting' },
    ]);
  });

  it('explains a missing stats.jsonl and reads SG2-ADA metric lines', async () => {
    await expect(readRun(tmpdir() + '/nope')).rejects.toThrow(/stats\.jsonl not found: pass --run/);
    expect(
      metricPoints({ results: { fid50k_full: 3.5 }, snapshot_pkl: 'network-snapshot-000200.pkl' }),
    ).toEqual([{ metric: 'fid50k_full', kimg: 200, value: 3.5 }]);
  });
});
