import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { metricFileName, STAT, STATS_FILE, type StatsRecord } from '@portrait-forge/run-format';
import { LiveMonitor } from './live-monitor';
import { tempDir } from './testing/image-folder';

const summary = (mean: number) => ({ num: 1, mean, std: 0 });
const record = (kimg: number): StatsRecord => ({
  [STAT.kimg]: summary(kimg),
  [STAT.gLoss]: summary(1.4),
  [STAT.dLoss]: summary(1.2),
  timestamp: kimg,
});

describe('LiveMonitor.replay (resume)', () => {
  it("replays the snapshot metrics too, so a resumed run's collapse rule remembers the best recall", () => {
    const dir = tempDir('pf-monitor-');
    writeFileSync(join(dir, STATS_FILE), [4, 8, 12].map((k) => JSON.stringify(record(k))).join('\n') + '\n');
    const metric = (name: string, values: number[]) =>
      writeFileSync(
        join(dir, metricFileName(name)),
        values.map((v, i) => JSON.stringify({ results: { [name]: v }, kimg: 4 * (i + 1) })).join('\n'),
      );
    metric('recall', [0.3, 0.35, 0.3]);
    metric('ndb_k', [0.3, 0.2, 0.3]);
    const resumed = LiveMonitor.replay(dir, 12);
    const alerts = resumed.observe(record(16), { recall: 0.02, ndb_k: 0.6 });
    expect(alerts.map((a) => a.name)).toEqual(['mode-collapse']);
    expect(alerts[0].evidence.join('\n')).toMatch(/recall fell to 0\.0200 from 0\.350 \(kimg 8\)/);
    // Records after the checkpoint's kimg are not replayed: the best recall is then kimg 4's.
    const early = LiveMonitor.replay(dir, 4).observe(record(8), { recall: 0.02, ndb_k: 0.6 });
    expect(early[0].evidence.join('\n')).toMatch(/recall fell to 0\.0200 from 0\.300 \(kimg 4\)/);
  });
});
