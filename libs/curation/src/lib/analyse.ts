import { brisqueScore } from '@portrait-forge/brisque';
import {
  alignFace,
  assessPose,
  createFaceDetector,
  decideFace,
  describeImageProblem,
  ffhqQuad,
  type DetectedFace,
  type DetectorKind,
  type FaceConfig,
  type FaceDetector,
} from '@portrait-forge/face';
import { decodeImage, encodePng, rawToSharp, type RawImage } from '@portrait-forge/image-io';
import type { FaceRecord, FileRecord } from '@portrait-forge/manifest';
import {
  createSilhouette,
  scoreSymmetry,
  type NotAvailable,
  type Silhouette,
  type SilhouetteChoice,
} from '@portrait-forge/symmetry';
import { writeFileAtomic } from '@portrait-forge/files';
import { join } from 'node:path';
import { differenceHash } from './hash';

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

export type Stage = 'decode' | 'detect' | 'brisque' | 'symmetry' | 'align' | 'thumb';

const message = (err: unknown) => (err instanceof Error ? err.message : String(err)).split('\n')[0];

export function emptyAnalysis(decodeError: string | null): Analysis {
  return {
    width: null,
    height: null,
    decodeError,
    scores: {
      faceCount: null,
      faceSize: null,
      roll: null,
      yaw: null,
      brisque: null,
      symmetry: null,
      symmetryBackend: null,
      symmetryNote: null,
    },
    faces: [],
    alignedPath: null,
    alignedQuad: null,
    thumbPath: null,
    thumbScale: null,
    phash: null,
    stageMs: {},
  };
}

/** What is stored for one detection (decide.ts re-applies decideFace's rule to these numbers). */
export function faceRecord(face: DetectedFace): FaceRecord {
  const measured = { box: face.box, score: face.score, landmarks: face.landmarks.flatMap((p) => [p.x, p.y]) };
  if (face.landmarks.length !== 68) {
    return {
      ...measured,
      roll: null,
      yaw: null,
      pitch: null,
      eyeDyPct: null,
      centerDeltaPct: null,
      qsize: null,
    };
  }
  const pose = assessPose(face.landmarks, face.box);
  return {
    ...measured,
    roll: pose.rollDeg,
    yaw: pose.yawDeg,
    pitch: pose.pitchRatio,
    eyeDyPct: pose.seedRule.eyesVDeltaPercent,
    centerDeltaPct: pose.seedRule.deltaOffsetPercent,
    qsize: ffhqQuad(face.landmarks).qsize,
  };
}

/** Loads the detector and silhouette models once; then analyses files one decode each. */
export async function createAnalyzer(config: AnalysisConfig, log: (line: string) => void): Promise<Analyzer> {
  const detector: FaceDetector = await createFaceDetector({ detector: config.detector });
  const silhouette: Silhouette | NotAvailable = await createSilhouette({
    backend: config.silhouette,
    u2netModel: config.u2netModel,
    allowDownload: false,
    log,
  });
  const silhouetteName = 'status' in silhouette ? `not_available (${silhouette.reason})` : silhouette.name;

  async function scoreSymmetryInto(out: Analysis, aligned: RawImage): Promise<void> {
    try {
      const symmetry = await scoreSymmetry(silhouette, aligned);
      if (symmetry.status === 'scored') {
        out.scores.symmetry = symmetry.score;
        out.scores.symmetryBackend = symmetry.backend;
      } else {
        out.scores.symmetryNote = `not_scored: ${symmetry.reason}`;
      }
    } catch (err) {
      out.scores.symmetryNote = `not_scored: symmetry failed (${message(err)})`;
    }
  }

  async function analyse(job: AnalysisJob): Promise<Analysis> {
    const stageMs: Record<string, number> = {};
    let t = performance.now();
    const lap = (stage: Stage) => {
      const now = performance.now();
      stageMs[stage] = Math.round((now - t) * 10) / 10;
      t = now;
    };
    let image: RawImage;
    try {
      image = await decodeImage(
        Buffer.from(job.buffer.buffer, job.buffer.byteOffset, job.buffer.byteLength),
        { channels: 3, maxPixels: config.maxPixels },
        job.path,
      );
    } catch (err) {
      const reason = err instanceof Error && 'reason' in err ? String(err.reason) : message(err);
      return emptyAnalysis(`decode_error: ${reason}`);
    }
    lap('decode');
    const out = emptyAnalysis(null);
    out.width = image.width;
    out.height = image.height;
    out.stageMs = stageMs;
    const stem = job.sha256.slice(0, 16);

    const detections = await detector.detect(image);
    const face = decideFace(detections, image, config.face);
    out.faces = detections.map(faceRecord);
    out.scores.faceCount = face.measures.faces;
    out.scores.faceSize = face.measures.qsize ?? null;
    out.scores.roll = face.measures.pose?.rollDeg ?? null;
    out.scores.yaw = face.measures.pose?.yawDeg ?? null;
    lap('detect');

    if (!describeImageProblem(image)) {
      try {
        out.scores.brisque = brisqueScore(image);
      } catch (err) {
        log(`${job.path}: BRISQUE failed (${message(err)}); stored as not scored`);
      }
      lap('brisque');
    }

    if (face.primary) {
      try {
        const aligned = await alignFace(image, face.primary.landmarks, config.size);
        out.alignedPath = `aligned/${stem}.png`;
        writeFileAtomic(join(config.outDir, out.alignedPath), await encodePng(aligned.image), {
          mkdir: true,
        });
        out.alignedQuad = aligned.quad.flatMap((p) => [p.x, p.y]);
        out.phash = await differenceHash(aligned.image);
        lap('align');
        // On the aligned crop the face sits on the centre line, which the seed's metric mirrors around.
        await scoreSymmetryInto(out, aligned.image);
        lap('symmetry');
      } catch (err) {
        out.alignedPath = null;
        log(`${job.path}: alignment failed (${message(err)})`);
        lap('align');
      }
    } else {
      out.scores.symmetryNote = 'not_scored: no face to align';
    }

    const scale = Math.min(1, config.thumbSize / Math.max(image.width, image.height));
    const thumbWidth = Math.max(1, Math.round(image.width * scale));
    const thumbHeight = Math.max(1, Math.round(image.height * scale));
    out.thumbPath = `thumbs/${stem}.jpg`;
    out.thumbScale = thumbWidth / image.width;
    writeFileAtomic(
      join(config.outDir, out.thumbPath),
      await rawToSharp(image)
        .resize(thumbWidth, thumbHeight, { fit: 'fill' })
        .jpeg({ quality: 80 })
        .toBuffer(),
      { mkdir: true },
    );
    lap('thumb');
    return out;
  }

  return { backends: { detector: detector.kind, silhouette: silhouetteName }, analyse };
}
