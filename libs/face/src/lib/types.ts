/** A point in source-image pixel coordinates (x right, y down). */
export interface Point {
  x: number;
  y: number;
}

/** Axis-aligned box in source-image pixels. */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** One detected face: detector box and score, and face-api's 68 landmarks (iBUG 300-W order). */
export interface DetectedFace {
  box: Box;
  /** Detector confidence, 0..1. */
  score: number;
  /** 68 points; 36–41 are the eye on the image's left, 42–47 the eye on the image's right. */
  landmarks: Point[];
  /**
   * The face's in-plane rotation estimated by the detector itself (BlazeFace keypoints), degrees
   * clockwise on screen, −180..180; the landmarks were found on a crop turned upright by it.
   * Undefined for ssd/tiny, which give no keypoints (their landmarks run on an unturned crop).
   */
  rotationDeg?: number;
  /**
   * BlazeFace's own keypoints in source pixels: the eyes (image left, right), nose tip, mouth and ear
   * tragions (image left, right), as the detector read them. Undefined for ssd/tiny.
   */
  keypoints?: Point[];
  /** Head yaw and pitch from FaceMesh's depth (mesh-pose.ts); the primary face only, when it has 68 landmarks. */
  meshPose?: { yawDeg: number; pitchDeg: number };
}

/** FFHQ's oriented crop square: corners top-left, bottom-left, bottom-right, top-right (source pixels). */
export type Quad = [Point, Point, Point, Point];

/** What a face-api model needs to know about an image, without its pixels. */
export interface ImageSize {
  width: number;
  height: number;
}

/** Face detectors: each feeds face-api's 68-landmark network (see detector.ts). */
export const DETECTOR_KINDS = ['blazeface', 'ssd', 'tiny'] as const;
export type DetectorKind = (typeof DETECTOR_KINDS)[number];
export const DEFAULT_DETECTOR: DetectorKind = 'blazeface';
