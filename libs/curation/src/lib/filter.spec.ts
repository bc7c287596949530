import { Manifest } from '@portrait-forge/manifest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MANIFEST_FILE, runFilter } from './filter';
import { defaultThresholds } from './thresholds';

describe('runFilter --resume', () => {
  it('refuses to mix detectors (their scores are on different scales), naming the manifest and the fix', async () => {
    const input = mkdtempSync(join(tmpdir(), 'filter-in-'));
    const out = mkdtempSync(join(tmpdir(), 'filter-out-'));
    const manifest = Manifest.open(join(out, MANIFEST_FILE));
    const runId = manifest.startRun({
      kind: 'filter',
      inputRoot: input,
      config: {
        input,
        size: 256,
        workers: 1,
        resume: false,
        detector: 'ssd',
        silhouette: 'auto',
        maxPixels: 1e8,
      },
      thresholds: {},
      versions: {},
    });
    manifest.endRun(runId, {});
    manifest.close();
    const run = (detector: 'blazeface' | 'ssd') =>
      runFilter({
        input,
        out,
        size: 256,
        resume: true,
        detector,
        thresholds: defaultThresholds(256, detector),
        log: () => undefined,
      });
    await expect(run('blazeface')).rejects.toThrow(
      /manifest\.sqlite was filtered with --detector ssd; resume with --detector ssd, or run without --resume/,
    );
    await expect(run('ssd')).resolves.toMatchObject({ seen: 0, analysed: 0 });
  });
});
