import { join } from 'node:path';
import { decodeImage } from '@portrait-forge/image-io';
import { describeWithShared } from '@portrait-forge/test-support';
import { createSilhouette } from './create-silhouette';
import { symmetryScore } from './metric';
import { isSilhouette, type Silhouette } from './silhouette';

/** Mean mask value (0..1) over a box given in fractions of the image. */
function coverage(
  mask: Uint8Array,
  width: number,
  height: number,
  box: [number, number, number, number],
): number {
  const [x0, y0, x1, y1] = [box[0] * width, box[1] * height, box[2] * width, box[3] * height].map(Math.round);
  let sum = 0;
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) sum += mask[y * width + x];
  return sum / 255 / ((x1 - x0) * (y1 - y0));
}

describeWithShared('data/faces-dev', 'npm silhouette backends on faces-dev portraits', (dir) => {
  for (const backend of ['selfie', 'meet'] as const) {
    describe(backend, () => {
      let silhouette: Silhouette;
      beforeAll(async () => {
        const created = await createSilhouette({ backend, log: () => undefined });
        if (!isSilhouette(created)) throw new Error(created.reason);
        silhouette = created;
      }, 60_000);
      afterAll(() => silhouette?.dispose());

      it.each(['keep/deepface_0008.jpg', 'keep/lfw_0001.jpg'])('segments the person in %s', async (file) => {
        const image = await decodeImage(join(dir, file), { channels: 3 });
        const mask = await silhouette.mask(image);
        expect(mask.length).toBe(image.width * image.height);
        // A centred head-and-shoulders portrait: the centre is person, the top corners are background.
        expect(coverage(mask, image.width, image.height, [0.4, 0.4, 0.6, 0.6])).toBeGreaterThan(0.9);
        expect(coverage(mask, image.width, image.height, [0, 0, 0.12, 0.12])).toBeLessThan(0.1);
        expect(coverage(mask, image.width, image.height, [0.88, 0, 1, 0.12])).toBeLessThan(0.1);
        const score = symmetryScore(mask, image.width, image.height);
        expect(score).toBeGreaterThanOrEqual(0);
        expect(score).toBeLessThan(0.5);
      });
    });
  }
});
