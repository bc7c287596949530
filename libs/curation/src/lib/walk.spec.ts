import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { walkImages } from './walk';

describe('walkImages', () => {
  it('recurses, sorts, keeps odd names, never follows links out of the root, visits looped dirs once', async () => {
    const base = mkdtempSync(join(tmpdir(), 'walk-'));
    const root = join(base, 'in');
    const outside = join(base, 'outside');
    mkdirSync(join(root, 'sub dir/ünï'), { recursive: true });
    mkdirSync(outside);
    writeFileSync(join(outside, 'secret.jpg'), 'x');
    writeFileSync(join(root, 'b photo.JPG'), 'x');
    writeFileSync(join(root, 'sub dir/ünï/фото 1.png'), 'x');
    writeFileSync(join(root, 'notes.txt'), 'x');
    symlinkSync(join(outside, 'secret.jpg'), join(root, 'link-out.jpg'));
    symlinkSync(outside, join(root, 'dir-out'));
    symlinkSync(join(root, 'sub dir'), join(root, 'sub dir/ünï/loop'));
    symlinkSync(join(root, 'b photo.JPG'), join(root, 'alias.jpg'));
    symlinkSync(join(root, 'missing.jpg'), join(root, 'dangling.jpg'));
    const { entries, ignored } = await walkImages(root);
    expect(entries.map((e) => [e.path, e.kind === 'problem' ? e.problem.reason : 'file'])).toEqual([
      ['alias.jpg', 'file'],
      ['b photo.JPG', 'file'],
      ['dangling.jpg', 'unreadable'],
      ['dir-out', 'symlink_outside_input'],
      ['link-out.jpg', 'symlink_outside_input'],
      ['sub dir/ünï/фото 1.png', 'file'],
    ]);
    expect(ignored).toBe(1);
  });
});
