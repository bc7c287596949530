import {
  RESUMABLE_OPTIONS,
  TrainOptionsSchema,
  parseTrainConfig,
  resolveConfig,
  resolveTrainOptions,
  resumeTrainOptions,
} from './options';

describe('training options (one schema)', () => {
  it('fills the defaults of a new run', () => {
    const o = resolveTrainOptions({ data: 'imgs' });
    expect(o).toEqual(
      expect.objectContaining({
        cfg: 'auto',
        resolution: 256,
        channels: 3,
        kimg: 25000,
        grid: [8, 8],
        aug: 'ada',
      }),
    );
    expect(o.batch).toBeUndefined();
  });

  it('names the option, the value and the fix', () => {
    expect(() => resolveTrainOptions({ data: 'x', resolution: 100 }, 'flags')).toThrow(
      'flags: --res (resolution) = 100: must be a power of two in 8–1024 (e.g. 64, 256)',
    );
    expect(() => resolveTrainOptions({ data: 'x', target: 0 })).toThrow(
      /--target \(target\) = 0: must lie in \(0, 1\)/,
    );
    expect(() => parseTrainConfig({ resolution: 64, gamm: 1 }, 'p.json')).toThrow(
      /p\.json: unknown option\(s\) gamm/,
    );
    expect(() => resolveTrainOptions({})).toThrow(/No training data/);
  });

  it('a resume may change only the resumable options, and says which others differ', () => {
    const stored = resolveTrainOptions({ data: 'imgs', resolution: 32, kimg: 10 });
    const resumed = resumeTrainOptions(stored, { resume: 'latest', kimg: 20, workers: 1 }, 'resume');
    expect(resumed).toEqual({ ...stored, resume: 'latest', kimg: 20, workers: 1 });
    // Re-passing the run's own settings (e.g. the same --config preset) is fine.
    expect(resumeTrainOptions(stored, { resolution: 32, kimg: 20 }, 'resume').kimg).toBe(20);
    expect(() => resumeTrainOptions(stored, { resolution: 64 }, 'resume x.ckpt')).toThrow(
      'resume x.ckpt: a resumed run keeps its definition; --res (resolution) is 32, not 64. Drop those flags, or start a new run without --resume.',
    );
    expect(RESUMABLE_OPTIONS).toEqual(
      expect.arrayContaining([
        'kimg',
        'snap',
        'tickKimg',
        'timeLimitMin',
        'backend',
        'workers',
        'manifest',
        'data',
      ]),
    );
    expect(RESUMABLE_OPTIONS).not.toContain('resolution');
  });

  it('reads options stored by older versions (extra keys dropped, new ones defaulted)', () => {
    const old = { ...resolveTrainOptions({ data: 'imgs' }), explicit: ['kimg'] } as Record<string, unknown>;
    delete old['metrics'];
    const back = TrainOptionsSchema.parse(old);
    expect(back).not.toHaveProperty('explicit');
    expect(back.metrics).toBe('none');
  });

  it('applies the overrides to the network config', () => {
    const c = resolveConfig(
      resolveTrainOptions({ data: 'x', cfg: 'small', resolution: 32, gamma: 0.5, channelMax: 16 }),
    );
    expect([c.r1Gamma, c.channelMax, c.resolution]).toEqual([0.5, 16, 32]);
  });
});

describe('parseTrainConfig', () => {
  it('checks given options without filling defaults (so a resume sees only what was given)', () => {
    expect(parseTrainConfig({ kimg: 5, channels: 1 }, 'flags')).toEqual({ kimg: 5, channels: 1 });
  });
});
