import { join } from 'node:path';
import { decodeImage, toGray, type RawImage } from '@portrait-forge/image-io';
import { decideFace, defaultFaceConfig } from './decision';
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

  it('names the BlazeFace model file when it is missing', async () => {
    await expect(
      createFaceDetector({ detector: 'blazeface', blazefaceDir: '/nonexistent-human' }),
    ).rejects.toThrow(/nonexistent-human\/blazeface-back\.json/);
  });

  it('names the model folder when weights are missing', async () => {
    await expect(createFaceDetector({ detector: 'tiny', modelDir: '/nonexistent-models' })).rejects.toThrow(
      /nonexistent-models/,
    );
  });
});

describe('BlazeFace + 68 landmarks on bundled photos (data/samples)', () => {
  const samples = join(__dirname, '../../../../data/samples');
  let detector: FaceDetector;
  beforeAll(async () => {
    detector = await createFaceDetector({ detector: 'blazeface' });
  }, 60_000);

  it('grace_hopper.jpg: one confident face, its 68 landmarks inside the box, kept by the default rule', async () => {
    const image = await decodeImage(join(samples, 'grace_hopper.jpg'));
    const faces = await detector.detect(image);
    const decision = decideFace(faces, image, { ...defaultFaceConfig('blazeface'), targetSize: 128 });
    expect(decision.reasons).toEqual([]);
    const primary = decision.primary!;
    expect(primary.score).toBeGreaterThan(0.8);
    expect(primary.landmarks).toHaveLength(68);
    const { x, y, width, height } = primary.box;
    for (const p of primary.landmarks) {
      expect(p.x).toBeGreaterThan(x - 0.1 * width);
      expect(p.x).toBeLessThan(x + 1.1 * width);
      expect(p.y).toBeGreaterThan(y - 0.1 * height);
      expect(p.y).toBeLessThan(y + 1.1 * height);
    }
  });

  it('a gray copy gives the same face (1-channel input is replicated to RGB)', async () => {
    const image = await decodeImage(join(samples, 'grace_hopper.jpg'));
    const [colour] = await detector.detect(image);
    const [gray] = await detector.detect(toGray(image));
    expect(Math.abs(gray.box.x - colour.box.x)).toBeLessThan(0.05 * colour.box.width);
    expect(Math.abs(gray.box.y - colour.box.y)).toBeLessThan(0.05 * colour.box.height);
  });

  it('coffee.png (no face) gives no face above the default cut', async () => {
    const image = await decodeImage(join(samples, 'coffee.png'));
    expect(decideFace(await detector.detect(image), image).reasons).toEqual(['no_face']);
  });
});
