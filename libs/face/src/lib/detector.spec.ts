import type { RawImage } from '@portrait-forge/image-io';
import { decideFace } from './decision';
import { createFaceDetector, type FaceDetector } from './detector';

const blank = (width: number, height: number, channels: 1 | 3 = 3): RawImage => ({
  data: new Uint8Array(width * height * channels).fill(128),
  width,
  height,
  channels,
});

describe('createFaceDetector on bad input (models from node_modules, no shared data)', () => {
  let detector: FaceDetector;
  beforeAll(async () => {
    detector = await createFaceDetector({ detector: 'tiny' });
  }, 60_000);

  it.each([
    ['no pixels', blank(0, 0), /no pixels/],
    ['1×1', blank(1, 1), /too small/],
    ['huge aspect ratio', blank(4000, 20), /aspect ratio/],
    ['wrong buffer length', { ...blank(30, 30), data: new Uint8Array(10) }, /expected 2700/],
  ])('%s → [] without running the nets, and decideFace names the problem', async (_, image, message) => {
    await expect(detector.detect(image)).resolves.toEqual([]);
    const decision = decideFace([], image);
    expect(decision.reasons).toEqual(['bad_image']);
    expect(decision.measures.imageProblem).toMatch(message);
  });

  it('a plain gray image (1 channel) has no face', async () => {
    const image = blank(64, 48, 1);
    const faces = await detector.detect(image);
    expect(decideFace(faces, image).reasons).toEqual(['no_face']);
  });

  it('refuses a minScore outside 0..1 with a clear message', async () => {
    await expect(createFaceDetector({ minScore: 2 })).rejects.toThrow(/minScore/);
  });

  it('names the model folder when weights are missing', async () => {
    await expect(createFaceDetector({ detector: 'tiny', modelDir: '/nonexistent-models' })).rejects.toThrow(
      /nonexistent-models/,
    );
  });
});
