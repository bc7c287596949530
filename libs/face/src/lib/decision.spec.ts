import { DEFAULT_FACE_CONFIG, decideFace } from './decision';
import { frontalFace3d, viewFace } from './test-faces';
import type { DetectedFace } from './types';

const IMAGE = { width: 600, height: 600 };

function face({
  score = 0.95,
  scale = 2,
  rollDeg = 0,
  yawDeg = 0,
  centre = { x: 300, y: 300 },
} = {}): DetectedFace {
  const landmarks = viewFace(frontalFace3d(), { scale, rollDeg, yawDeg, centre });
  const xs = landmarks.map((p) => p.x);
  const ys = landmarks.map((p) => p.y);
  const box = { x: Math.min(...xs), y: Math.min(...ys) - 30 * scale, width: 0, height: 0 };
  box.width = Math.max(...xs) - box.x;
  box.height = Math.max(...ys) - box.y;
  return { box, score, landmarks };
}

describe('decideFace', () => {
  it('accepts one frontal, level, large face and measures it', () => {
    const d = decideFace([face()], IMAGE);
    expect(d.reasons).toEqual([]);
    expect(d.primary?.score).toBe(0.95);
    expect(d.measures.faces).toBe(1);
    expect(d.measures.qsize).toBeCloseTo(512, 6); // 2 · max(2 · 128, 1.8 · 110)
    expect(d.measures.pose?.rollDeg).toBeCloseTo(0, 9);
    expect(d.measures.pose?.seedRule.passes).toBe(true);
  });

  it('no detections, or only ones below minFaceScore → no_face', () => {
    expect(decideFace([], IMAGE).reasons).toEqual(['no_face']);
    const weak = decideFace([face({ score: 0.1 })], IMAGE);
    expect(weak.reasons).toEqual(['no_face']);
    expect(weak.measures.detections).toBe(1);
  });

  it('a second strong face of similar size → multiple_faces; a tiny or weak one does not count', () => {
    const second = face({ score: 0.9, scale: 1.5, centre: { x: 100, y: 100 } });
    expect(decideFace([face(), second], IMAGE).reasons).toEqual(['multiple_faces']);
    const tiny = face({ score: 0.9, scale: 0.4, centre: { x: 100, y: 100 } });
    const weak = face({ score: 0.3, scale: 2, centre: { x: 100, y: 100 } });
    const d = decideFace([weak, face(), tiny], IMAGE);
    expect(d.reasons).toEqual([]);
    expect(d.measures.secondScore).toBe(0.9);
    expect(d.measures.secondRelativeSize).toBeCloseTo(0.2, 6);
  });

  it('a face whose FFHQ quad needs more than maxUpscale → face_too_small (depends on targetSize)', () => {
    const small = face({ scale: 0.2 }); // qsize 51 px
    expect(decideFace([small], IMAGE).reasons).toEqual(['face_too_small']);
    expect(decideFace([small], IMAGE, { ...DEFAULT_FACE_CONFIG, targetSize: 64 }).reasons).toEqual([]);
    expect(
      decideFace([face({ scale: 0.6 })], IMAGE, { ...DEFAULT_FACE_CONFIG, targetSize: 1024 }).reasons,
    ).toEqual(['face_too_small']);
  });

  it('roll beyond maxRollDeg → tilted; yaw beyond maxYawDeg → turned', () => {
    expect(decideFace([face({ rollDeg: 20 })], IMAGE).reasons).toEqual(['tilted']);
    expect(decideFace([face({ rollDeg: -8 })], IMAGE).reasons).toEqual([]);
    expect(decideFace([face({ yawDeg: 50 })], IMAGE).reasons).toContain('turned');
    expect(decideFace([face({ yawDeg: 20 })], IMAGE).reasons).toEqual([]);
  });

  it('the seed eye-ΔY limit alone can make a face tilted', () => {
    const d = decideFace([face({ rollDeg: 8 })], IMAGE, {
      ...DEFAULT_FACE_CONFIG,
      seedEyesVDeltaPercentMax: 3,
    });
    expect(d.reasons).toEqual(['tilted']);
    expect(d.measures.pose?.seedRule.eyesVDeltaPercent).toBeGreaterThanOrEqual(3);
  });

  it.each([
    [{ width: 0, height: 0 }, /no pixels/],
    [{ width: 1, height: 1 }, /too small/],
    [{ width: 20000, height: 100 }, /aspect ratio/],
    [{ width: Number.NaN, height: 5 }, /invalid image size/],
    [{ width: 10, height: 10, channels: 3, data: new Uint8Array(7) }, /expected 300/],
  ])('bad image %p → bad_image with a reason, no exception', (image, message) => {
    const d = decideFace([face()], image);
    expect(d.reasons).toEqual(['bad_image']);
    expect(d.measures.imageProblem).toMatch(message);
  });
});
