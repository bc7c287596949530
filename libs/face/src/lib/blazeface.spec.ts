import {
  blazefaceAnchors,
  blazefaceRows,
  decodeBlazeface,
  intersectionOverUnion,
  LANDMARK_BOX,
  uprightFace,
  keypointRotationDeg,
  keypointLandmarkDisagreement,
  bestAcrossSearches,
  turnSquare,
  unturnDetection,
  weightedSuppression,
  type BlazeDetection,
} from './blazeface';

import { frontalFace3d, viewFace } from '../testing';

const ROW = 17;

/** A raw output with every anchor scoring logit −10 except the given rows. */
function rawOutput(rows: Record<number, number[]>): Float32Array {
  const raw = new Float32Array(896 * ROW);
  for (let i = 0; i < 896; i++) raw[i * ROW] = -10;
  for (const [index, values] of Object.entries(rows)) raw.set(values, Number(index) * ROW);
  return raw;
}

describe('blazefaceAnchors', () => {
  const anchors = blazefaceAnchors(256);

  it('lays out 16×16×2 then 8×8×6 anchor centres (896), as MediaPipe does', () => {
    expect(anchors.length).toBe(896 * 2);
    expect([anchors[0], anchors[1], anchors[2], anchors[3]]).toEqual([8, 8, 8, 8]);
    expect([anchors[4], anchors[5]]).toEqual([24, 8]);
    expect([anchors[2 * 511], anchors[2 * 511 + 1]]).toEqual([248, 248]);
    expect([anchors[2 * 512], anchors[2 * 512 + 1]]).toEqual([16, 16]);
    expect([anchors[2 * 895], anchors[2 * 895 + 1]]).toEqual([240, 240]);
  });
});

describe('decodeBlazeface', () => {
  const anchors = blazefaceAnchors(256);

  it('adds the anchor to centre and keypoints, keeps sizes, applies the sigmoid to the logit', () => {
    const kp = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
    const [face] = decodeBlazeface(rawOutput({ 512: [0, 2, -3, 40, 50, ...kp] }), anchors, 0.4);
    expect(face.score).toBeCloseTo(0.5, 6);
    expect(face.box).toEqual({ x: 18 - 20, y: 13 - 25, width: 40, height: 50 });
    expect(face.keypoints[0]).toEqual({ x: 17, y: 18 });
    expect(face.keypoints[5]).toEqual({ x: 27, y: 28 });
  });

  it('drops rows whose box has no area (they are not faces and could not suppress themselves)', () => {
    expect(decodeBlazeface(rawOutput({ 3: [5, 0, 0, 0, 10], 4: [5, 0, 0, -3, 10] }), anchors, 0.5)).toEqual(
      [],
    );
  });

  it('drops rows under minScore and rejects an output of the wrong length', () => {
    expect(decodeBlazeface(rawOutput({ 3: [-1, 0, 0, 10, 10] }), anchors, 0.5)).toEqual([]);
    expect(() => decodeBlazeface(new Float32Array(10), anchors, 0.5)).toThrow(/expected 15232/);
  });
});

describe('blazefaceRows', () => {
  it('joins the four output tensors into anchor-ordered rows (16×16 grid first), whatever their order', () => {
    const part = (anchors: number, width: number, base: number) => ({
      shape: [1, anchors, width],
      data: Float32Array.from({ length: anchors * width }, (_, i) => base + i),
    });
    const rows = blazefaceRows([part(384, 16, 3e6), part(512, 1, 0), part(384, 1, 2e6), part(512, 16, 1e6)]);
    expect(rows[0]).toBe(0);
    expect(Array.from(rows.subarray(1, 3))).toEqual([1e6, 1e6 + 1]);
    expect(rows[ROW]).toBe(1);
    expect(rows[ROW + 1]).toBe(1e6 + 16);
    expect(rows[512 * ROW]).toBe(2e6);
    expect(rows[512 * ROW + 1]).toBe(3e6);
    expect(rows[895 * ROW + 16]).toBe(3e6 + 383 * 16 + 15);
    expect(() => blazefaceRows([part(512, 1, 0)])).toThrow(/no \[1, 512, 16\] output/);
  });
});

describe('weightedSuppression', () => {
  const det = (x: number, score: number): BlazeDetection => ({
    box: { x, y: 0, width: 10, height: 10 },
    score,
    keypoints: [{ x, y: 0 }],
  });

  it('merges overlapping detections into the best one, score-weighted, and keeps separate faces apart', () => {
    const kept = weightedSuppression([det(1, 0.25), det(0, 0.75), det(100, 0.5)]);
    expect(kept).toHaveLength(2);
    expect(kept[0].score).toBe(0.75);
    expect(kept[0].box.x).toBeCloseTo(0.25, 10);
    expect(kept[0].keypoints[0].x).toBeCloseTo(0.25, 10);
    expect(kept[1]).toEqual(det(100, 0.5));
  });

  it('a crowd of 896 candidates (every anchor) is suppressed in one pass, each detection once', () => {
    const crowd = Array.from({ length: 896 }, (_, i) => det((i % 60) * 12, 0.2 + (i % 7) / 10));
    const kept = weightedSuppression(crowd);
    expect(kept).toHaveLength(60);
    expect(kept.every((d) => d.score >= 0.2 && d.score <= 0.8)).toBe(true);
  });

  it('a box without area (IoU 0 with itself, which looped forever before) ends up alone', () => {
    const flat = { ...det(0, 0.9), box: { x: 0, y: 0, width: 0, height: 10 } };
    expect(weightedSuppression([flat, det(50, 0.5)])).toHaveLength(2);
  });

  it('intersectionOverUnion: 1 for the same box, 0 apart, 1/3 for half-overlapping equal boxes', () => {
    const box = { x: 0, y: 0, width: 10, height: 10 };
    expect(intersectionOverUnion(box, box)).toBe(1);
    expect(intersectionOverUnion(box, { ...box, x: 20 })).toBe(0);
    expect(intersectionOverUnion(box, { ...box, x: 5 })).toBeCloseTo(1 / 3, 10);
  });
});

describe('uprightFace', () => {
  const keypointsAt = (deg: number, c: { x: number; y: number }, r = 10) => {
    const a = (deg * Math.PI) / 180;
    const at = (x: number, y: number) => ({
      x: c.x + x * Math.cos(a) - y * Math.sin(a),
      y: c.y + x * Math.sin(a) + y * Math.cos(a),
    });
    // eyes, nose, mouth, ears of an upright face, turned by deg
    return [at(-r, -r), at(r, -r), at(0, 0), at(0, r), at(-2 * r, 0), at(2 * r, 0)];
  };

  it('upright: scales to source pixels and reframes the tight box as the landmark network expects', () => {
    const d = {
      score: 0.9,
      box: { x: 10, y: 20, width: 40, height: 50 },
      keypoints: keypointsAt(0, { x: 30, y: 45 }),
    };
    const { box, rotationDeg, frame } = uprightFace(d, 2, 112);
    expect(rotationDeg).toBeCloseTo(0, 10);
    expect(box.width).toBeCloseTo(80 * LANDMARK_BOX.width, 10);
    expect(box.height).toBeCloseTo(100 * LANDMARK_BOX.height, 10);
    expect(box.x + box.width / 2).toBeCloseTo(60 + 80 * LANDMARK_BOX.centerDx, 10);
    expect(box.y + box.height / 2).toBeCloseTo(90 + 100 * LANDMARK_BOX.centerDy, 10);
    expect(Math.max(frame.width, frame.height)).toBeLessThanOrEqual(112);
  });

  it('a face turned 90° gets its frame turned 90°, the reframing shifted along the face, and a swapped box', () => {
    const d = {
      score: 0.9,
      box: { x: 0, y: 0, width: 50, height: 40 },
      keypoints: keypointsAt(90, { x: 25, y: 20 }),
    };
    const { box, rotationDeg, frame } = uprightFace(d, 1, 112);
    expect(rotationDeg).toBeCloseTo(90, 6);
    expect(frame.angle).toBeCloseTo(Math.PI / 2, 6);
    // face-frame height is the box width (50); "up" for a face turned 90° clockwise points to +x
    expect(frame.centre.x).toBeCloseTo(25 - 50 * LANDMARK_BOX.centerDy, 6);
    expect(frame.centre.y).toBeCloseTo(20, 6);
    expect(box.width).toBeCloseTo(50 * LANDMARK_BOX.height, 6);
    expect(box.height).toBeCloseTo(40 * LANDMARK_BOX.width, 6);
  });

  it.each([0, 30, 90, 135, 180, -90, -30])('keypointRotationDeg reads a face turned %d°', (deg) => {
    const got = keypointRotationDeg(keypointsAt(deg, { x: 100, y: 100 }));
    expect(Math.cos(((got - deg) * Math.PI) / 180)).toBeCloseTo(1, 8);
  });
});

describe('quarter-turn search', () => {
  it('turnSquare moves pixels clockwise and unturnDetection maps a detection back', () => {
    const size = 4;
    const data = new Uint8Array(size * size).map((_, i) => i);
    const turned = turnSquare(data, size, 1, 1);
    expect(turned[0 * size + 3]).toBe(data[0]); // top-left → top-right
    expect(turnSquare(turnSquare(turnSquare(turned, size, 1, 1), size, 1, 1), size, 1, 1)).toEqual(data);
    // a 1×1 box at pixel (3, 0) of the turned input is pixel (0, 0) of the original
    const d = { score: 1, box: { x: 3, y: 0, width: 1, height: 1 }, keypoints: [{ x: 3.5, y: 0.5 }] };
    const back = unturnDetection(d, size, 1);
    expect(back.box).toEqual({ x: 0, y: 0, width: 1, height: 1 });
    expect(back.keypoints[0]).toEqual({ x: 0.5, y: 0.5 });
  });

  it('bestAcrossSearches keeps the best detection of each face whole', () => {
    const box = { x: 0, y: 0, width: 10, height: 10 };
    const upright = { score: 0.8, box, keypoints: [{ x: 1, y: 1 }] };
    const halfTurn = { score: 0.9, box: { ...box, x: 1 }, keypoints: [{ x: 9, y: 9 }] };
    const other = { score: 0.6, box: { ...box, x: 50 }, keypoints: [] };
    expect(bestAcrossSearches([[upright, other], [halfTurn]])).toEqual([halfTurn, other]);
  });
});

describe('keypointLandmarkDisagreement', () => {
  const landmarks = viewFace(frontalFace3d());
  const centre = (idx: number[]) => ({
    x: idx.reduce((s, i) => s + landmarks[i].x, 0) / idx.length,
    y: idx.reduce((s, i) => s + landmarks[i].y, 0) / idx.length,
  });
  const range = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => a + i);
  const agreeing = [centre(range(36, 42)), centre(range(42, 48)), landmarks[30], centre([48, 51, 54, 57])];

  it('is 0 when the keypoints sit on the landmarks, whatever the face size', () => {
    expect(keypointLandmarkDisagreement(agreeing, landmarks)).toBeCloseTo(0, 10);
    const double = (p: { x: number; y: number }) => ({ x: 2 * p.x, y: 2 * p.y });
    expect(keypointLandmarkDisagreement(agreeing.map(double), landmarks.map(double))).toBeCloseTo(0, 10);
  });

  it('reads keypoints of an upside-down reading (eyes on the mouth) as far off', () => {
    const [leftEye, rightEye, nose, mouth] = agreeing;
    const flipped = [
      { ...mouth, x: rightEye.x },
      { ...mouth, x: leftEye.x },
      nose,
      { ...leftEye, x: mouth.x },
    ];
    expect(keypointLandmarkDisagreement(flipped, landmarks)).toBeGreaterThan(1);
  });

  it('is Infinity without keypoints or without 68 landmarks', () => {
    expect(keypointLandmarkDisagreement([], landmarks)).toBe(Infinity);
    expect(keypointLandmarkDisagreement(agreeing, landmarks.slice(0, 10))).toBe(Infinity);
  });
});
