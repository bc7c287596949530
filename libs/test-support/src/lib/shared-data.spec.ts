import { existsSync } from 'node:fs';
import { sharedPath } from './shared-data';

describe('sharedPath', () => {
  it('points at ../shared beside the repository', () => {
    expect(sharedPath('seeds')).toMatch(/\/shared\/seeds$/);
    if (process.env['CI'] === 'true') expect(existsSync(sharedPath('data'))).toBe(true);
  });
});
