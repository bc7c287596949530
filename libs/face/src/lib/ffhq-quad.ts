import { LANDMARK, eyeCentres } from './pose';
import type { ImageSize, Point, Quad } from './types';

/** FFHQ's oriented crop for one face (NVlabs ffhq-dataset, recreate_aligned_images, rotate_level=True). */
export interface FfhqCrop {
  /** Corners c−x−y, c−x+y, c+x+y, c+x−y: top-left, bottom-left, bottom-right, top-right of the output. */
  quad: Quad;
  /** Side of the quad in source pixels (FFHQ's `qsize` = 2·|x|). */
  qsize: number;
  centre: Point;
}

const add = (a: Point, b: Point): Point => ({ x: a.x + b.x, y: a.y + b.y });
const sub = (a: Point, b: Point): Point => ({ x: a.x - b.x, y: a.y - b.y });
const scale = (a: Point, k: number): Point => ({ x: a.x * k, y: a.y * k });
const norm = (a: Point): number => Math.hypot(a.x, a.y);

/**
 * FFHQ geometry: eye centres from 36–41/42–47, mouth corners 48/54,
 * x = eye_to_eye − perpendicular(eye_to_mouth), |x| = max(2·|eye_to_eye|, 1.8·|eye_to_mouth|),
 * y = x turned 90°, centre = eye average + 0.1·eye_to_mouth.
 */
export function ffhqQuad(landmarks: readonly Point[]): FfhqCrop {
  const { leftEye, rightEye } = eyeCentres(landmarks);
  const eyeAvg = scale(add(leftEye, rightEye), 0.5);
  const eyeToEye = sub(rightEye, leftEye);
  const mouthAvg = scale(add(landmarks[LANDMARK.mouthLeft], landmarks[LANDMARK.mouthRight]), 0.5);
  const eyeToMouth = sub(mouthAvg, eyeAvg);
  // np.flipud(eye_to_mouth) * [-1, 1] = (−m.y, m.x)
  const direction = sub(eyeToEye, { x: -eyeToMouth.y, y: eyeToMouth.x });
  const halfSide = Math.max(norm(eyeToEye) * 2, norm(eyeToMouth) * 1.8);
  const x = scale(direction, halfSide / norm(direction));
  const y = { x: -x.y, y: x.x };
  const centre = add(eyeAvg, scale(eyeToMouth, 0.1));
  const quad: Quad = [
    sub(sub(centre, x), y),
    add(sub(centre, x), y),
    add(add(centre, x), y),
    sub(add(centre, x), y),
  ];
  return { quad, qsize: halfSide * 2, centre };
}

/** Where a source point lands in an aligned output of `size` px (pixel-centre coordinates). */
export function mapToAligned(crop: FfhqCrop, point: Point, size: number): Point {
  const [topLeft, bottomLeft, , topRight] = crop.quad;
  const ux = sub(topRight, topLeft);
  const uy = sub(bottomLeft, topLeft);
  const d = sub(point, topLeft);
  const s = (d.x * ux.x + d.y * ux.y) / (ux.x * ux.x + ux.y * ux.y);
  const t = (d.x * uy.x + d.y * uy.y) / (uy.x * uy.x + uy.y * uy.y);
  return { x: s * size - 0.5, y: t * size - 0.5 };
}

/** Area of a simple polygon (shoelace), absolute. */
function polygonArea(points: readonly Point[]): number {
  let twice = 0;
  for (let i = 0; i < points.length; i++) {
    const a = points[i];
    const b = points[(i + 1) % points.length];
    twice += a.x * b.y - b.x * a.y;
  }
  return Math.abs(twice) / 2;
}

/** The convex polygon clipped to one half-plane `inside(p) ≥ 0` (Sutherland–Hodgman step). */
function clipToHalfPlane(points: readonly Point[], inside: (p: Point) => number): Point[] {
  const out: Point[] = [];
  for (let i = 0; i < points.length; i++) {
    const a = points[i];
    const b = points[(i + 1) % points.length];
    const da = inside(a);
    const db = inside(b);
    if (da >= 0) out.push(a);
    if (da >= 0 !== db >= 0) {
      const t = da / (da - db);
      out.push({ x: a.x + t * (b.x - a.x), y: a.y + t * (b.y - a.y) });
    }
  }
  return out;
}

/**
 * Fraction (0..1) of the FFHQ quad's area that lies outside the `width`×`height` photo: the part
 * alignment has to invent by reflection (FFHQ's padding), a mirror ghost when the head is cut.
 */
export function quadOutsideFraction(quad: Quad, image: ImageSize): number {
  const area = polygonArea(quad);
  if (!(area > 0)) return 1;
  let inside: Point[] = [...quad];
  for (const edge of [
    (p: Point) => p.x,
    (p: Point) => image.width - p.x,
    (p: Point) => p.y,
    (p: Point) => image.height - p.y,
  ])
    inside = clipToHalfPlane(inside, edge);
  return Math.min(1, Math.max(0, 1 - polygonArea(inside) / area));
}

/** How many landmarks lie within `margin` px of the photo's border or outside it (face-api clamps none). */
export function landmarksAtBorder(landmarks: readonly Point[], image: ImageSize, margin = 1): number {
  return landmarks.filter(
    (p) => p.x < margin || p.y < margin || p.x > image.width - margin || p.y > image.height - margin,
  ).length;
}
