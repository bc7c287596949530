import type { RawImage } from '@portrait-forge/image-io';
import type { Box, Point } from './types';

/**
 * A crop turned upright: a `width`×`height` image whose pixel (u, v) shows the source point
 * centre + R(angle)·((u, v) − (width, height)/2)·scale. The landmark network sees an upright face
 * whatever the face's in-plane rotation, and its points map back to the source with `cropToSource`.
 */
export interface UprightFrame {
  centre: Point;
  /** The face's in-plane rotation, radians, clockwise on screen. */
  angle: number;
  /** Source pixels per crop pixel. */
  scale: number;
  width: number;
  height: number;
}

/**
 * The frame for a face whose upright box (in its own frame) is `box`-sized around `centre`, turned by
 * `angleDeg`, shrunk so the longer side fits `maxSide` (never enlarged).
 */
export function uprightFrame(
  centre: Point,
  size: { width: number; height: number },
  angleDeg: number,
  maxSide: number,
): UprightFrame {
  const scale = Math.max(1, Math.max(size.width, size.height) / maxSide);
  return {
    centre,
    angle: (angleDeg * Math.PI) / 180,
    scale,
    width: Math.max(1, Math.round(size.width / scale)),
    height: Math.max(1, Math.round(size.height / scale)),
  };
}

/** A crop point (continuous, pixel edges at integers) in source pixels. */
export function cropToSource(frame: UprightFrame, p: Point): Point {
  const u = (p.x - frame.width / 2) * frame.scale;
  const v = (p.y - frame.height / 2) * frame.scale;
  const cos = Math.cos(frame.angle);
  const sin = Math.sin(frame.angle);
  return { x: frame.centre.x + u * cos - v * sin, y: frame.centre.y + u * sin + v * cos };
}

/** The axis-aligned source box that holds the whole frame. */
export function frameBounds(frame: UprightFrame): Box {
  const corners = [
    { x: 0, y: 0 },
    { x: frame.width, y: 0 },
    { x: 0, y: frame.height },
    { x: frame.width, y: frame.height },
  ].map((p) => cropToSource(frame, p));
  const xs = corners.map((p) => p.x);
  const ys = corners.map((p) => p.y);
  const x = Math.min(...xs);
  const y = Math.min(...ys);
  return { x, y, width: Math.max(...xs) - x, height: Math.max(...ys) - y };
}

/**
 * Samples the frame from `source` with bilinear interpolation; points outside the source are black.
 * `source` may be a reduced copy of the photo: `origin` is the photo point at its (0, 0) edge and
 * `sourceScale` photo pixels per source pixel (1 and {0, 0} for the photo itself). Reducing first
 * (with a proper filter) keeps bilinear sampling from aliasing when the face is much larger than the crop.
 */
export function sampleUpright(
  source: RawImage,
  frame: UprightFrame,
  origin: Point = { x: 0, y: 0 },
  sourceScale = 1,
): RawImage {
  const { width, height } = frame;
  const channels = source.channels;
  const out = new Uint8Array(width * height * channels);
  const stride = source.width * channels;
  const pixel = (x: number, y: number, c: number) =>
    x >= 0 && y >= 0 && x < source.width && y < source.height
      ? source.data[y * stride + x * channels + c]
      : 0;
  for (let v = 0; v < height; v++) {
    for (let u = 0; u < width; u++) {
      const p = cropToSource(frame, { x: u + 0.5, y: v + 0.5 });
      const sx = (p.x - origin.x) / sourceScale - 0.5;
      const sy = (p.y - origin.y) / sourceScale - 0.5;
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const fx = sx - x0;
      const fy = sy - y0;
      const o = (v * width + u) * channels;
      for (let c = 0; c < channels; c++) {
        const top = pixel(x0, y0, c) * (1 - fx) + pixel(x0 + 1, y0, c) * fx;
        const bottom = pixel(x0, y0 + 1, c) * (1 - fx) + pixel(x0 + 1, y0 + 1, c) * fx;
        out[o + c] = Math.round(top * (1 - fy) + bottom * fy);
      }
    }
  }
  return { data: out, width, height, channels };
}
