import { helpDefaultMismatches } from '@portrait-forge/cli/testing';
import { curateProgram } from './program';

describe('curate --help', () => {
  it('shows, for every option of every command, the default the command runs with', () => {
    expect(helpDefaultMismatches(curateProgram(), { review: { apply: 'review.json' } })).toEqual([]);
  });
});
