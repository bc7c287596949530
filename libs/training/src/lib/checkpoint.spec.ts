import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  decodeCheckpoint,
  encodeCheckpoint,
  listCheckpoints,
  loadCheckpoint,
  saveCheckpoint,
  type Checkpoint,
} from './checkpoint';
import { checkpointName } from '@portrait-forge/run-format';
import { tempDir } from '../testing';

function small(generation: number): Checkpoint {
  return {
    meta: { generation, note: 'ünïcode' },
    groups: {
      G: {
        'a.weight': { shape: [2, 3], dtype: 'float32', data: Float32Array.from([1, 2, 3, 4, 5, generation]) },
      },
      'opt/G': { 'a.weight.step': { shape: [], dtype: 'float32', data: Float32Array.of(7) } },
      misc: { idx: { shape: [3], dtype: 'int32', data: Int32Array.from([1, -2, 3]) } },
    },
  };
}

describe('checkpoints', () => {
  it('round-trip tensors and meta exactly', () => {
    const back = decodeCheckpoint(Buffer.concat(encodeCheckpoint(small(1))));
    expect(back.meta).toEqual({ generation: 1, note: 'ünïcode' });
    expect(Array.from(back.groups['G']['a.weight'].data)).toEqual([1, 2, 3, 4, 5, 1]);
    expect(back.groups['misc']['idx'].data).toBeInstanceOf(Int32Array);
    expect(Array.from(back.groups['misc']['idx'].data)).toEqual([1, -2, 3]);
  });

  it('rejects foreign and truncated files with a message naming the file', () => {
    expect(() => decodeCheckpoint(Buffer.from('hello world!!'), 'x.ckpt')).toThrow(
      /x.ckpt is not a portrait-forge checkpoint/,
    );
    const buf = Buffer.concat(encodeCheckpoint(small(1)));
    expect(() => decodeCheckpoint(buf.subarray(0, buf.length - 8), 'y.ckpt')).toThrow(/y.ckpt is truncated/);
  });

  it('names and lists snapshots newest first', () => {
    const dir = tempDir();
    for (const kimg of [0, 0.052, 12]) saveCheckpoint(join(dir, checkpointName(kimg)), small(kimg));
    expect(listCheckpoints(dir).map((f) => f.split('/').pop())).toEqual([
      'network-snapshot-000012000.ckpt',
      'network-snapshot-000000052.ckpt',
      'network-snapshot-000000000.ckpt',
    ]);
  });

  it('ENOSPC mid-write leaves the previous checkpoint intact and no temp file', () => {
    const dir = tempDir();
    const file = join(dir, 'network-snapshot-000000000.ckpt');
    saveCheckpoint(file, small(1));
    const diskFull = (written: number): void => {
      if (written > 16)
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    };
    expect(() => saveCheckpoint(file, small(2), diskFull)).toThrow(/ENOSPC/);
    expect(loadCheckpoint(file).meta['generation']).toBe(1);
    expect(readdirSync(dir)).toEqual(['network-snapshot-000000000.ckpt']);
  });
});
