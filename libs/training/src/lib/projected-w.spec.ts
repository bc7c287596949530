import { join } from 'node:path';
import { loadProjectedW, saveProjectedW } from './projected-w';
import { tempDir } from '../testing';

describe('projected_w.npz (projector.py / generate.py format)', () => {
  it('round-trips w and names a shape that does not fit the network', async () => {
    const file = join(tempDir(), 'projected_w.npz');
    const w = Float32Array.from({ length: 3 * 4 }, (_, i) => i / 7 - 0.5);
    await saveProjectedW(file, w, 3, 4);
    expect(Array.from(await loadProjectedW(file, 3, 4))).toEqual(Array.from(w));
    await expect(loadProjectedW(file, 5, 4)).rejects.toThrow(
      /shape \(1, 3, 4\), the network takes \(N, 5, 4\)/,
    );
  });
});
