import {
  blazefaceAnchors,
  blazefaceRows,
  decodeBlazeface,
  intersectionOverUnion,
  LANDMARK_BOX,
  landmarkBox,
  weightedSuppression,
  type BlazeDetection,
} from './blazeface';

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

  it('intersectionOverUnion: 1 for the same box, 0 apart, 1/3 for half-overlapping equal boxes', () => {
    const box = { x: 0, y: 0, width: 10, height: 10 };
    expect(intersectionOverUnion(box, box)).toBe(1);
    expect(intersectionOverUnion(box, { ...box, x: 20 })).toBe(0);
    expect(intersectionOverUnion(box, { ...box, x: 5 })).toBeCloseTo(1 / 3, 10);
  });
});

describe('landmarkBox', () => {
  it('scales to source pixels and reframes the tight box as the landmark network expects', () => {
    const box = landmarkBox({ x: 10, y: 20, width: 40, height: 50 }, 2);
    expect(box.width).toBeCloseTo(80 * LANDMARK_BOX.width, 10);
    expect(box.height).toBeCloseTo(100 * LANDMARK_BOX.height, 10);
    expect(box.x + box.width / 2).toBeCloseTo(60 + 80 * LANDMARK_BOX.centerDx, 10);
    expect(box.y + box.height / 2).toBeCloseTo(90 + 100 * LANDMARK_BOX.centerDy, 10);
  });
});
