import { decideFace, decideFromMeasures } from './decision';
import { DEFAULT_FACE_CONFIG } from './face-config';
import { frontalFace3d, viewFace } from '../testing';
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
    expect(d.measures.pose?.l4rzRule.passes).toBe(true);
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

  it.each([90, 180, 270, -135])(
    'a face turned %d° in-plane is tilted only (yaw is read on its own axis)',
    (deg) => {
      const d = decideFace([face({ rollDeg: deg })], IMAGE);
      expect(d.reasons).toEqual(['tilted']);
      expect(Math.cos(((d.measures.pose!.rollDeg - deg) * Math.PI) / 180)).toBeCloseTo(1, 6);
      expect(Math.abs(d.measures.pose!.yawDeg)).toBeLessThan(1);
    },
  );

  it('counts exactly the faces the rule counted, and lists every detection score', () => {
    const strong = face({ score: 0.9, scale: 1.5, centre: { x: 100, y: 100 } });
    const weak = face({ score: 0.3, scale: 2, centre: { x: 100, y: 100 } });
    const two = decideFace([face(), strong, weak], IMAGE);
    expect(two.measures).toMatchObject({ faces: 2, significantOtherFaces: 1, detections: 3 });
    expect(two.measures.detectionScores).toEqual([0.95, 0.9, 0.3]);
    expect(decideFace([face(), weak], IMAGE).measures.faces).toBe(1);
    expect(decideFace([weak], IMAGE).measures.faces).toBe(0);
  });

  it('a face whose FFHQ quad runs off the photo → face_cut_off, with the fraction measured', () => {
    const cut = decideFace([face({ centre: { x: 300, y: 120 } })], IMAGE); // quad top at y = 120 − 256 − 11
    expect(cut.reasons).toEqual(['face_cut_off']);
    expect(cut.measures.cutOffFraction).toBeGreaterThan(0.2);
    expect(cut.measures.cutOffFraction).toBeLessThan(0.35);
    const loose = { ...DEFAULT_FACE_CONFIG, maxCutOffFraction: 0.5 };
    expect(decideFace([face({ centre: { x: 300, y: 120 } })], IMAGE, loose).reasons).toEqual([]);
  });

  it('decideFromMeasures: a stored face without a cut-off number (older manifest) is not judged on it', () => {
    const stored = {
      score: 0.9,
      boxHeight: 200,
      roll: 1,
      yaw: 2,
      eyeDyPct: 0,
      centerDeltaPct: 5,
      qsize: 400,
    };
    expect(decideFromMeasures([stored], IMAGE)).toEqual([]);
    expect(decideFromMeasures([{ ...stored, cutOff: 0.3 }], IMAGE)).toEqual(['face_cut_off']);
  });

  it('decideFromMeasures: a head tipped back (pitch proxy below minPitchRatio) → turned; none stored → not judged', () => {
    const stored = {
      score: 0.9,
      boxHeight: 200,
      roll: 1,
      yaw: 2,
      eyeDyPct: 0,
      centerDeltaPct: 5,
      qsize: 400,
    };
    expect(decideFromMeasures([{ ...stored, pitch: 0.3 }], IMAGE)).toEqual(['turned']);
    expect(decideFromMeasures([{ ...stored, pitch: 0.5 }], IMAGE)).toEqual([]);
    expect(decideFromMeasures([{ ...stored, pitch: null }], IMAGE)).toEqual([]);
    expect(DEFAULT_FACE_CONFIG.minPitchRatio).toBe(0.35);
  });

  it('decideFromMeasures: FaceMesh yaw, when measured, decides turned instead of the 68-point yaw', () => {
    const stored = { score: 0.9, boxHeight: 200, roll: 1, eyeDyPct: 0, centerDeltaPct: 5, qsize: 400 };
    const limit = DEFAULT_FACE_CONFIG.maxMeshYawDeg;
    // A 68-point yaw past maxYawDeg is kept when the mesh reads the head within its limit…
    expect(decideFromMeasures([{ ...stored, yaw: 38, meshYaw: limit - 2 }], IMAGE)).toEqual([]);
    // …and a small 68-point yaw does not keep a head the mesh reads turned.
    expect(decideFromMeasures([{ ...stored, yaw: 5, meshYaw: -(limit + 2) }], IMAGE)).toEqual(['turned']);
    // Without a mesh yaw (ssd/tiny faces, older manifests) the 68-point yaw decides as before.
    expect(decideFromMeasures([{ ...stored, yaw: 38, meshYaw: null }], IMAGE)).toEqual(['turned']);
    expect(decideFromMeasures([{ ...stored, yaw: 20 }], IMAGE)).toEqual([]);
  });

  it('decideFace reads the primary face’s meshPose', () => {
    const turned = { ...face(), meshPose: { yawDeg: 40, pitchDeg: 0 } };
    expect(decideFace([turned], IMAGE).reasons).toEqual(['turned']);
    expect(decideFace([{ ...turned, meshPose: { yawDeg: 10, pitchDeg: 0 } }], IMAGE).reasons).toEqual([]);
  });

  it('the seed eye-ΔY limit alone can make a face tilted', () => {
    const d = decideFace([face({ rollDeg: 8 })], IMAGE, {
      ...DEFAULT_FACE_CONFIG,
      maxEyeDyPercent: 3,
    });
    expect(d.reasons).toEqual(['tilted']);
    expect(d.measures.pose?.l4rzRule.eyeDyPercent).toBeGreaterThanOrEqual(3);
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
