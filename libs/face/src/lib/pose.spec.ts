import { assessPose, eyeCentres, l4rzPoseRule } from './pose';
import { frontalFace3d, mirrorLandmarks, viewFace } from '../testing';

const FACE = frontalFace3d();
const BOX = { x: 150, y: 150, width: 300, height: 330 };

describe('assessPose', () => {
  it('level frontal face: roll 0, yaw 0', () => {
    const pose = assessPose(viewFace(FACE), BOX);
    expect(pose.rollDeg).toBeCloseTo(0, 9);
    expect(pose.yawDeg).toBeCloseTo(0, 9);
    expect(pose.eyeDistance).toBeCloseTo(128, 9);
  });

  it.each([-40, -25, -7.5, 3, 12, 33, 60])(
    'face rotated in-plane by %p° → roll within 0.5°, yaw unchanged',
    (theta) => {
      const pose = assessPose(viewFace(FACE, { rollDeg: theta, yawDeg: 15 }), BOX);
      expect(Math.abs(pose.rollDeg - theta)).toBeLessThan(0.5);
      expect(pose.yawDeg).toBeCloseTo(assessPose(viewFace(FACE, { yawDeg: 15 }), BOX).yawDeg, 6);
    },
  );

  it.each([5, 15, 30, 45])('head turned by %p° → yaw estimate within 1° (orthographic model)', (phi) => {
    expect(Math.abs(assessPose(viewFace(FACE, { yawDeg: phi }), BOX).yawDeg - phi)).toBeLessThan(1);
    expect(Math.abs(assessPose(viewFace(FACE, { yawDeg: -phi }), BOX).yawDeg + phi)).toBeLessThan(1);
  });

  it.each([
    [0, 20],
    [10, 25],
    [-15, -30],
  ])('mirrored face (roll %p°, yaw %p°) → same |yaw|, opposite roll', (roll, yaw) => {
    const points = viewFace(FACE, { rollDeg: roll, yawDeg: yaw });
    const original = assessPose(points, BOX);
    const mirrored = assessPose(mirrorLandmarks(points, 600), { ...BOX, x: 600 - BOX.x - BOX.width });
    expect(Math.abs(mirrored.yawDeg)).toBeCloseTo(Math.abs(original.yawDeg), 9);
    expect(mirrored.yawDeg).toBeCloseTo(-original.yawDeg, 9);
    expect(mirrored.rollDeg).toBeCloseTo(-original.rollDeg, 9);
  });

  it('eye centres are the means of points 36–41 and 42–47', () => {
    const { leftEye, rightEye } = eyeCentres(viewFace(FACE, { scale: 1, centre: { x: 0, y: 0 } }));
    expect(leftEye.x).toBeCloseTo(-32, 9);
    expect(rightEye.x).toBeCloseTo(32, 9);
    expect(leftEye.y).toBeCloseTo(0, 9);
  });

  it('rejects anything but 68 points', () => {
    expect(() => assessPose([], BOX)).toThrow(/68 landmarks/);
  });
});

describe('l4rzPoseRule (the l4rz rule, with its int() truncations)', () => {
  it('level, centred eyes pass', () => {
    // f_height = 250; |200 − 220| / 250 = 8 %; centreline 100 + 100 = 200, offsets 50/50 → 0 %
    const r = l4rzPoseRule(
      { x: 150.7, y: 200.2 },
      { x: 250.9, y: 220.8 },
      { x: 100.4, y: 90, width: 200.6, height: 250.9 },
    );
    expect(r).toEqual({ eyeDyPercent: 8, centreOffsetPercent: 0, passes: true });
  });

  it('eye ΔY of 10 % of face height fails', () => {
    const r = l4rzPoseRule(
      { x: 150, y: 200 },
      { x: 250, y: 225 },
      { x: 100, y: 90, width: 200, height: 250 },
    );
    expect(r.eyeDyPercent).toBe(10);
    expect(r.passes).toBe(false);
  });

  it('eyes off the box centreline fail: offsets 60/20 → int(40/40·100) = 100', () => {
    const r = l4rzPoseRule(
      { x: 140, y: 200 },
      { x: 220, y: 200 },
      { x: 100, y: 90, width: 200, height: 250 },
    );
    expect(r).toEqual({ eyeDyPercent: 0, centreOffsetPercent: 100, passes: false });
  });

  it('offsets 55/45 → int(10/50·100) = 20 passes', () => {
    const r = l4rzPoseRule(
      { x: 145, y: 200 },
      { x: 245, y: 201 },
      { x: 100, y: 90, width: 200, height: 250 },
    );
    expect(r.centreOffsetPercent).toBe(20);
    expect(r.passes).toBe(true);
  });

  it('coincident eyes (Python ZeroDivisionError) fail instead of throwing', () => {
    const r = l4rzPoseRule(
      { x: 200, y: 200 },
      { x: 200, y: 200 },
      { x: 100, y: 90, width: 200, height: 250 },
    );
    expect(r.passes).toBe(false);
  });
});
