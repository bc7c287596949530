/** Hand-made 68-point faces for specs (exported as @portrait-forge/face/testing). */
import type { Point } from '../types';

export interface Point3 {
  x: number;
  y: number;
  z: number;
}

const eye = (cx: number): Point3[] => {
  // iBUG order: from the image-left corner, clockwise (upper lid first).
  const pts = [
    [-10, 0],
    [-4, -4],
    [4, -4],
    [10, 0],
    [4, 4],
    [-4, 4],
  ];
  return pts.map(([x, y]) => ({ x: cx + x, y, z: -30 }));
};

/**
 * A frontal face in face units (y down, z towards the camera, nose tip at the origin's depth):
 * eye centres (±32, 0), mouth corners (±22, 55), jaw contour 0/16 at (±70, 0) and 0.85·70 behind the nose tip.
 */
export function frontalFace3d(): Point3[] {
  const p: Point3[] = [];
  for (let i = 0; i <= 16; i++) {
    const a = (Math.PI * i) / 16;
    p.push({ x: -70 * Math.cos(a), y: 80 * Math.sin(a), z: -59.5 + 30 * Math.sin(a) });
  }
  for (let i = 0; i < 5; i++) p.push({ x: -50 + i * 8, y: -15, z: -25 });
  for (let i = 0; i < 5; i++) p.push({ x: 18 + i * 8, y: -15, z: -25 });
  for (let i = 0; i < 4; i++) p.push({ x: 0, y: 5 + i * 10, z: -18 + i * 6 });
  for (let i = 0; i < 5; i++) p.push({ x: -12 + i * 6, y: 40, z: -10 });
  p.push(...eye(-32), ...eye(32));
  for (let i = 0; i < 12; i++) {
    const a = Math.PI - (2 * Math.PI * i) / 12; // 48 = left corner, then along the upper lip
    p.push({ x: 22 * Math.cos(a), y: 55 - 8 * Math.sin(a), z: -25 });
  }
  for (let i = 0; i < 8; i++) {
    const a = Math.PI - (2 * Math.PI * i) / 8;
    p.push({ x: 15 * Math.cos(a), y: 55 - 3 * Math.sin(a), z: -25 });
  }
  return p;
}

/** Orthographic view after turning the head by `yawDeg` about the vertical axis, then rolling in-plane by `rollDeg`, scaling and moving. */
export function viewFace(
  face: Point3[],
  { yawDeg = 0, rollDeg = 0, scale = 2, centre = { x: 300, y: 300 } } = {},
): Point[] {
  const yaw = (yawDeg * Math.PI) / 180;
  const roll = (rollDeg * Math.PI) / 180;
  return face.map(({ x, y, z }) => {
    const xt = x * Math.cos(yaw) + z * Math.sin(yaw);
    const xr = xt * Math.cos(roll) - y * Math.sin(roll);
    const yr = xt * Math.sin(roll) + y * Math.cos(roll);
    return { x: centre.x + scale * xr, y: centre.y + scale * yr };
  });
}

/** iBUG index of each point's left-right counterpart. */
export const MIRROR_INDEX: number[] = (() => {
  const m = Array.from({ length: 68 }, (_, i) => i);
  const pair = (a: number, b: number) => ((m[a] = b), (m[b] = a));
  for (let i = 0; i <= 7; i++) pair(i, 16 - i);
  for (let i = 0; i < 5; i++) pair(17 + i, 26 - i);
  pair(31, 35);
  pair(32, 34);
  [
    [36, 45],
    [37, 44],
    [38, 43],
    [39, 42],
    [40, 47],
    [41, 46],
  ].forEach(([a, b]) => pair(a, b));
  [
    [48, 54],
    [49, 53],
    [50, 52],
    [55, 59],
    [56, 58],
    [60, 64],
    [61, 63],
    [65, 67],
  ].forEach(([a, b]) => pair(a, b));
  return m;
})();

/** The landmarks face-api would report on the horizontally flipped image of `width` px. */
export function mirrorLandmarks(points: Point[], width: number): Point[] {
  return MIRROR_INDEX.map((j) => ({ x: width - 1 - points[j].x, y: points[j].y }));
}
