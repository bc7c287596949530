import { defaultThresholds } from '@portrait-forge/curation';
import { lockManifest, Manifest } from '@portrait-forge/manifest';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFixture } from '../testing/fixture';
import { RedecideJobs } from './redecide-jobs';

describe('RedecideJobs (review apply child)', () => {
  it('an apply takes the manifest lock: refused, naming the holder, while a filter writes; a preview is not', async () => {
    const { out } = await writeFixture(mkdtempSync(join(tmpdir(), 'redecide-lock-')), 2);
    const file = join(out, 'manifest.sqlite');
    const jobs = new RedecideJobs(file);
    const thresholds = defaultThresholds(256);
    const held = lockManifest(file, 'filter'); // this process stands in for a running filter
    await expect(jobs.run('apply', thresholds)).rejects.toThrow(
      /re-deciding \(apply\) failed \(exit 1\): .*being written by `filter` \(pid \d+/,
    );
    expect((await jobs.run('preview', thresholds)).files).toBe(2);
    held.release();
    const applied = await jobs.run('apply', thresholds);
    expect(applied.files).toBe(2);
    expect(existsSync(`${file}.lock`)).toBe(false);
    const m = Manifest.open(file, { readonly: true });
    expect(m.runs().some((r) => r.kind === 'decide')).toBe(true);
    m.close();
  }, 120000);
});
