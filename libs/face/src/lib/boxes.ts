import type { Box } from './types';

function intersectionArea(a: Box, b: Box): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}

/** Intersection over union of two boxes (0 when they do not touch or one has no area). */
export function intersectionOverUnion(a: Box, b: Box): number {
  const inter = intersectionArea(a, b);
  return inter === 0 ? 0 : inter / (a.width * a.height + b.width * b.height - inter);
}

/** Intersection over the smaller box's area: 1 when one box lies inside the other. */
export function overlapOfSmaller(a: Box, b: Box): number {
  const inter = intersectionArea(a, b);
  return inter === 0 ? 0 : inter / Math.min(a.width * a.height, b.width * b.height);
}
