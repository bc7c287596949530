import { brisqueScore } from '@portrait-forge/brisque';
import {
  alignFace,
  createFaceDetector,
  DEFAULT_MAX_INPUT_SIDE,
  describeImageProblem,
  ffhqQuad,
  countFaces,
  measureFace,
  pickPrimary,
  type DetectedFace,
  type DetectorKind,
  type FaceConfig,
  type FaceDetector,
  type ImageSize,
  type Quad,
} from '@portrait-forge/face';
import {
  clipRegion,
  encodePng,
  openPhoto,
  rawToSharp,
  type Photo,
  type RawImage,
  type ReducedView,
} from '@portrait-forge/image-io';
import { decisionFace, emptyScores, type FaceRecord, type FileRecord } from '@portrait-forge/manifest';
import {
  createSilhouette,
  scoreSymmetry,
  type NotAvailable,
  type Silhouette,
  type SilhouetteChoice,
} from '@portrait-forge/symmetry';
import { replaceFileAtomic } from '@portrait-forge/files';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { atFaceBrisqueSize } from './face-brisque';
import { differenceHash } from './hash';
import {
  formatProblem,
  formatSymmetryNote,
  problemOf,
  symmetryNotScored,
  type FileProblem,
} from './problems';

/** Per-worker configuration: models are loaded once from it. */
export interface AnalysisConfig {
  /** Output folder; aligned crops and thumbnails go under it. */
  outDir: string;
  /** Aligned crop side (256, 512 or 1024). */
  size: number;
  detector: DetectorKind;
  silhouette: SilhouetteChoice;
  u2netModel?: string;
  /** The face config used to pick the primary face to align (decide may later use other thresholds). */
  face: FaceConfig;
  /** Refuse images above this many pixels (decompression bombs). */
  maxPixels: number;
  thumbSize: number;
  /**
   * Also score BRISQUE on the whole photo (OpenCV's pixels, full resolution; stored, not used by the
   * default decision). Off: the photo is never decoded whole and `scores.brisque` stays null.
   */
  photoBrisque: boolean;
}

export interface AnalysisJob {
  path: string;
  sha256: string;
  buffer: Uint8Array;
}

/** Everything measured about one file; `decide` turns it into a decision. */
export type Analysis = Omit<FileRecord, 'path' | 'size' | 'mtimeMs' | 'sha256' | 'decision' | 'reasons'>;

export interface Analyzer {
  /** What the models resolved to (logged and stored in the run row). */
  readonly backends: { detector: DetectorKind; silhouette: string };
  analyse(job: AnalysisJob): Promise<Analysis>;
}

export type Stage = 'decode' | 'detect' | 'brisque' | 'align' | 'faceBrisque' | 'symmetry' | 'thumb';

/**
 * Faces are detected on a decode whose longer side is at most this (sharp's shrink-on-load): the
 * detector's own input is 256² (BlazeFace) or ≤ 1280 (SSD/tiny: DEFAULT_MAX_INPUT_SIDE), and the
 * 68-point network sees 112² crops, so a keep-sized face (≥ 128 px) still gives it ≥ 40 px here.
 */
export const DETECTION_MAX_SIDE = DEFAULT_MAX_INPUT_SIDE;

/** A detection on a reduced decode, in the photo's own pixels. */
function inPhotoPixels(face: DetectedFace, toPhoto: number): DetectedFace {
  if (toPhoto === 1) return face;
  const { x, y, width, height } = face.box;
  return {
    ...face,
    box: { x: x * toPhoto, y: y * toPhoto, width: width * toPhoto, height: height * toPhoto },
    landmarks: face.landmarks.map((p) => ({ x: p.x * toPhoto, y: p.y * toPhoto })),
  };
}

/**
 * FFHQ alignment on the pixels of the face quad's region only, at the scale FFHQ warps from: when the
 * quad is ≥ 4 × the output (recreate_aligned_images' shrink ≥ 2) the region comes from the photo
 * reduced by that shrink (sharp's shrink-on-load + Lanczos, as FFHQ resizes the whole image first;
 * Photo.shrunkRegion gives exactly those pixels without reducing the rest of the photo) and alignFace
 * then has nothing left to shrink; otherwise a full-resolution region. alignFace reads the quad's
 * bounding box plus a border of 0.1 × qsize (its crop step); reflect padding only happens where the
 * quad leaves the photo, and there the region is clipped by the same photo border.
 */
async function alignInRegion(photo: Photo, face: DetectedFace, size: number) {
  const { quad, qsize } = ffhqQuad(face.landmarks);
  const shrink = Math.floor((qsize / size) * 0.5);
  const margin = Math.ceil(qsize * 0.15) + 8;
  const xs = quad.map((p) => p.x);
  const ys = quad.map((p) => p.y);
  const left = Math.min(...xs) - margin;
  const top = Math.min(...ys) - margin;
  const wanted = {
    left,
    top,
    width: Math.max(...xs) + margin - left,
    height: Math.max(...ys) + margin - top,
  };
  const {
    image: pixels,
    region,
    toPhoto,
  } = shrink > 1
    ? await photo.shrunkRegion(Math.round(Math.max(photo.width, photo.height) / shrink), wanted)
    : await photo.region(wanted).then((image) => ({ image, region: clipRegion(wanted, photo), toPhoto: 1 }));
  const shifted = face.landmarks.map((p) => ({
    x: p.x / toPhoto - region.left,
    y: p.y / toPhoto - region.top,
  }));
  const aligned = await alignFace(pixels, shifted, size);
  return {
    ...aligned,
    quad: aligned.quad.map((p) => ({
      x: (p.x + region.left) * toPhoto,
      y: (p.y + region.top) * toPhoto,
    })) as Quad,
  };
}

/** BRISQUE of the aligned crop (what training sees), at face-brisque.ts's FACE_BRISQUE_SIZE. */
async function faceBrisque(aligned: RawImage): Promise<number> {
  return brisqueScore(await atFaceBrisqueSize(aligned));
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err)).split('\n')[0];

/** The analysis of a file that could not be analysed (`problem`), or the start of one (null). */
export function emptyAnalysis(problem: FileProblem | null): Analysis {
  return {
    width: null,
    height: null,
    decodeError: problem && formatProblem(problem),
    scores: emptyScores(),
    faces: [],
    alignedPath: null,
    alignedQuad: null,
    thumbPath: null,
    thumbScale: null,
    phash: null,
    stageMs: {},
  };
}

/** What is stored for one detection: its box, score, landmarks and every measure (libs/face measureFace). */
export function faceRecord(face: DetectedFace, image: ImageSize): FaceRecord {
  const m = measureFace(face, image);
  return {
    box: face.box,
    score: face.score,
    landmarks: face.landmarks.flatMap((p) => [p.x, p.y]),
    roll: m.roll ?? null,
    yaw: m.yaw ?? null,
    pitch: m.pitch,
    eyeDyPct: m.eyeDyPct ?? null,
    centerDeltaPct: m.centerDeltaPct ?? null,
    qsize: m.qsize ?? null,
    cutOff: m.cutOff ?? null,
    rotationDeg: m.rotationDeg,
    landmarksAtBorder: m.landmarksAtBorder,
    meshYaw: m.meshYaw,
    meshPitch: m.meshPitch,
  };
}

/**
 * The faces measured, not judged: every detection's record, the per-file face scores, and the face to
 * align — decideFace's primary (best score ≥ minFaceScore with 68 landmarks; none on a bad image).
 */
export function measureFaces(
  detections: readonly DetectedFace[],
  image: ImageSize,
  config: FaceConfig,
): { faces: FaceRecord[]; primary?: { detection: DetectedFace; record: FaceRecord }; faceCount: number } {
  const faces = detections.map((f) => faceRecord(f, image));
  if (describeImageProblem(image)) return { faces, faceCount: 0 };
  const detection = pickPrimary(detections, config, (f) => f.landmarks.length === 68);
  if (!detection) return { faces, faceCount: 0 };
  const facts = faces.map(decisionFace);
  const index = detections.indexOf(detection);
  return {
    faces,
    primary: { detection, record: faces[index] },
    faceCount: countFaces(facts, facts[index], config),
  };
}

/** Loads the detector and silhouette models once; then analyses files one decode each. */
export async function createAnalyzer(config: AnalysisConfig, log: (line: string) => void): Promise<Analyzer> {
  const detector: FaceDetector = await createFaceDetector({
    detector: config.detector,
    meshMinScore: config.face.minFaceScore,
  });
  const silhouette: Silhouette | NotAvailable = await createSilhouette({
    backend: config.silhouette,
    u2netModel: config.u2netModel,
    allowDownload: false,
    log,
  });
  // Asked for by name, a missing backend stops the run (init_error) instead of silently not scoring.
  if ('status' in silhouette && config.silhouette !== 'auto')
    throw new Error(`--silhouette ${config.silhouette} is not available: ${silhouette.reason}`);
  const silhouetteName = 'status' in silhouette ? `not_available (${silhouette.reason})` : silhouette.name;

  async function scoreSymmetryInto(out: Analysis, aligned: RawImage): Promise<void> {
    try {
      const symmetry = await scoreSymmetry(silhouette, aligned);
      if (symmetry.status === 'scored') {
        out.scores.symmetry = symmetry.score;
        out.scores.symmetryBackend = symmetry.backend;
      } else {
        out.scores.symmetryNote = formatSymmetryNote(symmetryNotScored(symmetry.reason));
      }
    } catch (err) {
      out.scores.symmetryNote = formatSymmetryNote(symmetryNotScored(`symmetry failed (${message(err)})`));
    }
  }

  const writeOut = (path: string, data: Uint8Array) =>
    replaceFileAtomic(join(config.outDir, path), (temp) => writeFile(temp, data), { mkdir: true });

  async function analyse(job: AnalysisJob): Promise<Analysis> {
    const stageMs: Record<string, number> = {};
    let t = performance.now();
    const lap = (stage: Stage) => {
      const now = performance.now();
      stageMs[stage] = Math.round((now - t) * 10) / 10;
      t = now;
    };
    const buffer = Buffer.from(job.buffer.buffer, job.buffer.byteOffset, job.buffer.byteLength);
    let photo: Photo;
    let reduced: ReducedView;
    try {
      photo = await openPhoto(buffer, job.path, { maxPixels: config.maxPixels });
      reduced = await photo.reduced(DETECTION_MAX_SIDE);
    } catch (err) {
      return emptyAnalysis(problemOf(err));
    }
    lap('decode');
    const out = emptyAnalysis(null);
    out.width = photo.width;
    out.height = photo.height;
    out.stageMs = stageMs;
    const stem = job.sha256.slice(0, 16);
    const size = { width: photo.width, height: photo.height };

    const detections = (await detector.detect(reduced.image)).map((f) => inPhotoPixels(f, reduced.toPhoto));
    const { faces, primary, faceCount } = measureFaces(detections, size, config.face);
    out.faces = faces;
    out.scores.faceCount = faceCount;
    out.scores.faceSize = primary?.record.qsize ?? null;
    out.scores.roll = primary?.record.roll ?? null;
    // The yaw the turned rule reads: FaceMesh's when measured.
    out.scores.yaw = primary ? (primary.record.meshYaw ?? primary.record.yaw) : null;
    lap('detect');

    if (config.photoBrisque && !describeImageProblem(size)) {
      try {
        out.scores.brisque = brisqueScore(await photo.openCvView());
      } catch (err) {
        log(`${job.path}: BRISQUE failed (${message(err)}); stored as not scored`);
      }
      lap('brisque');
    }

    if (primary) {
      try {
        const aligned = await alignInRegion(photo, primary.detection, config.size);
        photo.release();
        out.alignedPath = `aligned/${stem}.png`;
        const png = await encodePng(aligned.image);
        // The crop is fsynced while it is measured; a failed write is caught below like any other.
        const cropWritten = writeOut(out.alignedPath, png);
        cropWritten.catch(() => undefined); // awaited below: an early failure is not an unhandled one
        out.alignedQuad = aligned.quad.flatMap((p) => [p.x, p.y]);
        out.phash = await differenceHash(aligned.image);
        lap('align');
        out.scores.faceBrisque = await faceBrisque(aligned.image);
        lap('faceBrisque');
        // On the aligned crop the face sits on the centre line, which the seed's metric mirrors around.
        await scoreSymmetryInto(out, aligned.image);
        await cropWritten;
        lap('symmetry');
      } catch (err) {
        // Nothing measured on a crop that is not stored.
        Object.assign(out, { alignedPath: null, alignedQuad: null, phash: null });
        Object.assign(out.scores, {
          faceBrisque: null,
          symmetry: null,
          symmetryBackend: null,
          symmetryNote: null,
        });
        log(`${job.path}: alignment failed (${message(err)})`);
        lap('align');
      }
    } else {
      out.scores.symmetryNote = formatSymmetryNote(symmetryNotScored('no face to align'));
    }
    photo.release();

    const scale = Math.min(1, config.thumbSize / Math.max(photo.width, photo.height));
    const thumbWidth = Math.max(1, Math.round(photo.width * scale));
    const thumbHeight = Math.max(1, Math.round(photo.height * scale));
    out.thumbPath = `thumbs/${stem}.jpg`;
    out.thumbScale = thumbWidth / photo.width;
    await writeOut(
      out.thumbPath,
      await rawToSharp(reduced.image)
        .resize(thumbWidth, thumbHeight, { fit: 'fill' })
        .jpeg({ quality: 80 })
        .toBuffer(),
    );
    lap('thumb');
    return out;
  }

  return { backends: { detector: detector.kind, silhouette: silhouetteName }, analyse };
}
