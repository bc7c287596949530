import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  SUGGESTIONS,
  alertStory,
  metricPoints,
  parseAlertLog,
  recordedAlerts,
  toTraceRecord,
} from '@portrait-forge/metrics';
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
    // No live Alerts/ keys in this run (another trainer's): the section says none were raised live and
    // lists the current rules' verdict under its own heading, marked on the charts as such.
    expect(html).toMatch(/<h3>Raised during training<\/h3>[\s\S]*?<p>None\.<\/p>/);
    expect(html).toMatch(
      /Re-diagnosis with the current rules[\s\S]*ALERT divergence at kimg 116: Loss\/G\/loss is NaN/,
    );
    expect(html).toMatch(/stroke-dasharray="4 3"\/><text [^>]*>re-diagnosed divergence<\/text>/);
    expect(html).not.toMatch(/>ALERT divergence<\/text>/);
    // fakes000000.008.png-style names of sub-kimg ticks are found too.
    writeFileSync(join(dir, 'fakes000000.008.png'), '');
    expect((await readRun(dir)).grids.map((g) => g.kimg)).toEqual([0, 0.008, 80]);
  });

  it("lists and marks the trainer's live Alerts/<rule> at each rising edge, with the log's figures", () => {
    const on = { num: 1, mean: 1, std: 0 };
    const trace = [0, 1, 2, 3, 4, 5].map((i) =>
      toTraceRecord({
        'Progress/kimg': { num: 1, mean: i, std: 0 },
        'Progress/tick': { num: 1, mean: 10 + i, std: 0 },
        ...(i === 2 || i === 3 || i === 5 ? { 'Alerts/d-overfitting': on } : {}),
        ...(i === 3 ? { 'Alerts/vanishing-gradients': on } : {}),
      }),
    );
    const logged = parseAlertLog(
      [
        'tick 12 …',
        'ALERT d-overfitting at kimg 2: D(real) and D(fake) drift apart',
        '  evidence: gap 3.1',
        '  suggestion: enable ADA',
        '  maintenance 0.1 s',
      ].join('\n'),
    );
    const raised = recordedAlerts(trace, logged);
    expect(raised.map((a) => [a.rule, a.tick, a.kimg])).toEqual([
      ['d-overfitting', 12, 2],
      ['vanishing-gradients', 13, 3],
      ['d-overfitting', 15, 5],
    ]);
    expect(raised[0]).toMatchObject({ evidence: ['gap 3.1'], suggestion: 'enable ADA' });
    // Not in the log: no figures, the rule's remedy from the monitor.
    expect(raised[1]).toMatchObject({
      message: null,
      evidence: [],
      suggestion: SUGGESTIONS['vanishing-gradients'],
    });
    expect(alertMarkers(alertStory(raised, []))).toEqual([
      { x: 2, label: 'ALERT d-overfitting' },
      { x: 3, label: 'ALERT vanishing-gradients' },
      { x: 5, label: 'ALERT d-overfitting' },
    ]);
  });

  it('a live alert the current rules judge false is listed as raised, marked, and the re-diagnosis says so', async () => {
    // cfg e smoke run: mode-collapse raised live at kimg 30.744 on a recall fall of 0.015 → 0, which the
    // current rules no longer count (recallDropMin 0.05).
    const dir = mkdtempSync(join(tmpdir(), 'run-'));
    const kimgs = Array.from({ length: 8 }, (_, i) => 0.504 + i * 5.04);
    const lines = kimgs.map((kimg, i) =>
      JSON.stringify({
        'Loss/G/loss': stat(1.2),
        'Loss/D/loss': stat(1.1),
        'Progress/kimg': { num: 1, mean: kimg, std: 0 },
        'Progress/tick': { num: 1, mean: i * 10, std: 0 },
        ...(i >= 6 ? { 'Alerts/mode-collapse': { num: 1, mean: 1, std: 0 } } : {}),
      }),
    );
    writeFileSync(join(dir, 'stats.jsonl'), lines.join('\n') + '\n');
    const recall = kimgs.map((kimg, i) => JSON.stringify({ results: { recall: i === 0 ? 0.015 : 0 }, kimg }));
    writeFileSync(join(dir, 'metric-recall.jsonl'), recall.join('\n') + '\n');
    writeFileSync(
      join(dir, 'log.txt'),
      [
        `tick 60  kimg ${kimgs[6]}/60 …`,
        `ALERT mode-collapse at kimg ${kimgs[6]}: the generator is collapsing onto a few modes`,
        '  evidence: Metrics/recall fell to 0.00 from 0.0150 (kimg 0.504)',
        `  suggestion: ${SUGGESTIONS['mode-collapse']}`,
        '  maintenance 22.9 s',
      ].join('\n'),
    );
    const html = readFileSync(await runReport({ run: dir }), 'utf8');
    expect(html).not.toContain('No alerts.');
    expect(html).toContain(
      `<pre>tick 60, ALERT mode-collapse at kimg ${kimgs[6]}: the generator is collapsing onto a few modes\n` +
        '  evidence: Metrics/recall fell to 0.00 from 0.0150 (kimg 0.504)',
    );
    expect(html).toContain(`Not raised by the current rules: mode-collapse at kimg ${kimgs[6]}.`);
    expect(html).toContain('The current rules raise no other alert.');
    // The one live alert (its rising edge) on the loss chart (the only series with data here), nothing re-diagnosed.
    const markers = html.match(/<text [^>]*>(ALERT|re-diagnosed) [^<]*<\/text>/g) ?? [];
    expect(new Set(markers.map((m) => />([^<]*)</.exec(m)?.[1]))).toEqual(new Set(['ALERT mode-collapse']));
    expect(markers).toHaveLength(1);
  });

  it('explains a missing stats.jsonl and reads SG2-ADA metric lines', async () => {
    await expect(readRun(tmpdir() + '/nope')).rejects.toThrow(/stats\.jsonl not found: pass --run/);
    expect(
      metricPoints({ results: { fid50k_full: 3.5 }, snapshot_pkl: 'network-snapshot-000200.pkl' }),
    ).toEqual([{ metric: 'fid50k_full', kimg: 200, value: 3.5 }]);
  });
});
