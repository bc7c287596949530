import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { atomicTempPath, isAtomicTempOf, replaceFileAtomic, writeFileAtomic } from './atomic';

const tempDir = () => mkdtempSync(join(tmpdir(), 'pf-files-'));
const diskFull = (written: number): void => {
  if (written > 4)
    throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
};

describe('writeFileAtomic', () => {
  it('writes strings, bytes and chunk lists, replacing the old content', () => {
    const file = join(tempDir(), 'a.json');
    writeFileAtomic(file, 'old');
    writeFileAtomic(file, [Buffer.from('ne'), Uint8Array.of(0x77)]);
    expect(readFileSync(file, 'utf8')).toBe('new');
    expect(readdirSync(join(file, '..'))).toEqual(['a.json']);
  });

  it('creates the directory only when asked', () => {
    const dir = tempDir();
    expect(() => writeFileAtomic(join(dir, 'sub', 'x'), 'x')).toThrow(/ENOENT/);
    writeFileAtomic(join(dir, 'sub', 'x'), 'x', { mkdir: true });
    expect(readFileSync(join(dir, 'sub', 'x'), 'utf8')).toBe('x');
  });

  it('ENOSPC mid-write leaves the previous file intact and no temp file', () => {
    const dir = tempDir();
    const file = join(dir, 'f.bin');
    writeFileSync(file, 'previous');
    expect(() => writeFileAtomic(file, 'a much longer new content', { hook: diskFull })).toThrow(/ENOSPC/);
    expect(readFileSync(file, 'utf8')).toBe('previous');
    expect(readdirSync(dir)).toEqual(['f.bin']);
  });

  it('SIGKILL mid-write leaves the previous file whole (and a temp that isAtomicTempOf recognises)', () => {
    const dir = tempDir();
    const file = join(dir, 'network-snapshot-000000000.ckpt');
    writeFileSync(file, 'previous');
    const child = spawnSync(
      process.execPath,
      ['--import', 'tsx', join(__dirname, 'atomic-crash.fixture.ts'), file, String(4 << 20)],
      { encoding: 'utf8', cwd: join(__dirname, '../../../..') },
    );
    expect(child.signal).toBe('SIGKILL');
    expect(readFileSync(file, 'utf8')).toBe('previous');
    const temps = readdirSync(dir).filter((f) => f !== 'network-snapshot-000000000.ckpt');
    expect(temps).toHaveLength(1);
    expect(isAtomicTempOf(temps[0], /^network-snapshot-\d+\.ckpt$/)).toBe(true);
    expect(isAtomicTempOf(temps[0], /^fakes/)).toBe(false);
  });
});

describe('replaceFileAtomic', () => {
  it('renames what the writer produced over the target', async () => {
    const file = join(tempDir(), 'model.onnx');
    await replaceFileAtomic(file, async (tmp) => writeFileSync(tmp, 'weights'));
    expect(readFileSync(file, 'utf8')).toBe('weights');
  });

  it('a writer that throws (e.g. bad checksum) leaves the old file and no temp', async () => {
    const dir = tempDir();
    const file = join(dir, 'model.onnx');
    writeFileSync(file, 'good');
    await expect(
      replaceFileAtomic(file, async (tmp) => {
        writeFileSync(tmp, 'bad');
        throw new Error('sha256 mismatch');
      }),
    ).rejects.toThrow(/sha256 mismatch/);
    expect(readFileSync(file, 'utf8')).toBe('good');
    expect(readdirSync(dir)).toEqual(['model.onnx']);
    expect(atomicTempPath(file)).toMatch(new RegExp(`/\\.model\\.onnx\\.${process.pid}-[0-9a-f]{8}\\.tmp$`));
    expect(atomicTempPath(file)).not.toBe(atomicTempPath(file));
  });
});
