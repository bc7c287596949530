import {
  CHECKPOINT_RE,
  checkpointName,
  fakesGridName,
  metricFileName,
  runDirName,
  SAMPLE_GRID_RE,
} from './files';

describe('run file names', () => {
  it('checkpoints by nimg, fakes grids by kimg (sub-kimg ticks keep unique names)', () => {
    expect(checkpointName(0.052)).toBe('network-snapshot-000000052.ckpt');
    expect(CHECKPOINT_RE.exec(checkpointName(12))?.[1]).toBe('000012000');
    expect([fakesGridName(12000), fakesGridName(12345)]).toEqual(['fakes000012.png', 'fakes000012.345.png']);
  });

  it('the report finds every grid the trainer writes, at its kimg', () => {
    for (const nimg of [0, 16, 12000, 12345])
      expect(Number(SAMPLE_GRID_RE.exec(fakesGridName(nimg))?.[1])).toBe(nimg / 1000);
    expect(SAMPLE_GRID_RE.test('fakes_init.png')).toBe(false);
  });

  it('makes metric and run-dir names file-safe', () => {
    expect(metricFileName('fid200[face128]')).toBe('metric-fid200[face128].jsonl');
    expect(metricFileName('a/b c')).toBe('metric-a_b_c.jsonl');
    expect(runDirName(3, 'faces train-auto')).toBe('00003-faces_train-auto');
  });
});
