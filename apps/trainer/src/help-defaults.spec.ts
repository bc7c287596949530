import { helpDefaultMismatches } from '@portrait-forge/cli/testing';
import { trainerProgram } from './program';

describe('trainer --help', () => {
  it('shows, for every option of every command, the default the command runs with', () => {
    expect(
      helpDefaultMismatches(trainerProgram(), {
        train: { data: 'images' },
        generate: { network: 'x.ckpt' },
        metrics: { real: 'a.npy', fake: 'b.npy' },
        features: { images: 'dir', out: 'x.npy' },
        report: { run: 'run' },
        project: { network: 'x.ckpt', target: 'face.png' },
      }),
    ).toEqual([]);
  });
});
