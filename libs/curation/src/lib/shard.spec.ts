import { parseShard, shardOf } from './shard';

describe('shards', () => {
  it('parses K/N and auto/N from Kubernetes or Slurm, with clear errors', () => {
    expect(parseShard('2/8', {})).toEqual({ index: 2, count: 8 });
    expect(parseShard('auto/4', { JOB_COMPLETION_INDEX: '3' })).toEqual({ index: 3, count: 4 });
    expect(parseShard('auto/4', { SLURM_ARRAY_TASK_ID: '2', SLURM_ARRAY_TASK_MIN: '1' })).toEqual({
      index: 1,
      count: 4,
    });
    expect(() => parseShard('auto/4', {})).toThrow(/JOB_COMPLETION_INDEX nor SLURM_ARRAY_TASK_ID/);
    expect(() => parseShard('4/4', {})).toThrow(/outside 0…3/);
    expect(() => parseShard('x', {})).toThrow(/expected K\/N/);
  });

  it('partitions by path alone: stable, and every shard gets some of many paths', () => {
    const paths = Array.from({ length: 400 }, (_, i) => `dir/${i}.jpg`);
    const counts = [0, 0, 0, 0];
    for (const p of paths) counts[shardOf(p, 4)]++;
    expect(counts.every((n) => n > 60)).toBe(true);
    expect(shardOf('a/b.jpg', 7)).toBe(shardOf('a/b.jpg', 7));
  });
});
