import { decideFace, decideFromMeasures, type DetectedFace, type Point } from '@portrait-forge/face';
import type { DecisionInput } from '@portrait-forge/manifest';
import { faceRecord } from './analyse';
import { decide, decideAll, errorReason, toDecisionInput } from './decide';
import { defaultThresholds, mergeThresholds } from './thresholds';

/** A roughly frontal 68-point face (face-api order), rotated by `rollDeg` about its centre. */
function syntheticFace(cx: number, cy: number, size: number, rollDeg = 0, yawShift = 0): Point[] {
  const pts: Point[] = [];
  for (let i = 0; i < 17; i++) {
    const a = Math.PI * (i / 16);
    pts.push({ x: cx - 0.5 * size * Math.cos(a), y: cy + 0.45 * size * Math.sin(a) - 0.05 * size });
  }
  for (let i = 17; i < 27; i++) pts.push({ x: cx + (i - 21.5) * 0.08 * size, y: cy - 0.3 * size });
  for (let i = 27; i < 36; i++)
    pts.push({
      x: cx + yawShift * size + (i >= 31 ? (i - 33) * 0.05 * size : 0),
      y: cy - 0.2 * size + Math.min(i - 27, 4) * 0.08 * size,
    });
  for (const ex of [cx - 0.2 * size, cx + 0.2 * size]) {
    for (let k = 0; k < 6; k++)
      pts.push({
        x: ex + Math.cos((k / 6) * 2 * Math.PI) * 0.06 * size,
        y: cy - 0.2 * size + Math.sin((k / 6) * 2 * Math.PI) * 0.02 * size,
      });
  }
  for (let i = 48; i < 68; i++)
    pts.push({
      x: cx + Math.cos(((i - 48) / 12) * 2 * Math.PI) * 0.15 * size,
      y: cy + 0.3 * size + Math.sin(((i - 48) / 12) * 2 * Math.PI) * 0.04 * size,
    });
  const r = (rollDeg * Math.PI) / 180;
  return pts.map((p) => ({
    x: cx + (p.x - cx) * Math.cos(r) - (p.y - cy) * Math.sin(r),
    y: cy + (p.x - cx) * Math.sin(r) + (p.y - cy) * Math.cos(r),
  }));
}

function detected(
  cx: number,
  cy: number,
  size: number,
  score: number,
  rollDeg = 0,
  yawShift = 0,
): DetectedFace {
  return {
    box: { x: cx - size / 2, y: cy - size / 2, width: size, height: size },
    score,
    landmarks: syntheticFace(cx, cy, size, rollDeg, yawShift),
  };
}

function input(
  faces: DetectedFace[] = [detected(500, 500, 400, 0.95)],
  scores: Partial<DecisionInput['scores']> = {},
  overrides: Partial<DecisionInput> = {},
): DecisionInput {
  const record = {
    path: 'a.jpg',
    size: 1,
    mtimeMs: 0,
    sha256: 'x',
    width: 1000,
    height: 1000,
    decodeError: null,
    scores: {
      faceCount: 1,
      faceSize: 400,
      roll: 0,
      yaw: 0,
      brisque: 20,
      faceBrisque: 30,
      symmetry: 0.01,
      symmetryBackend: 'selfie',
      symmetryNote: null,
      ...scores,
    },
    faces: faces.map((f) => faceRecord(f, { width: 1000, height: 1000 })),
    alignedPath: 'aligned/x.png',
    alignedQuad: null,
    thumbPath: null,
    thumbScale: null,
    phash: null,
    stageMs: {},
    decision: 'keep' as const,
    reasons: [],
  };
  return { ...toDecisionInput(record, 1), ...overrides };
}

describe('decide', () => {
  const t = defaultThresholds(256);

  it('keeps a clean frontal face and lists every failing reason otherwise', () => {
    expect(decide(input(), t)).toEqual({ decision: 'keep', reasons: [] });
    expect(decide(input(undefined, { faceBrisque: 80, symmetry: 0.5 }), t)).toEqual({
      decision: 'reject',
      reasons: ['blurry', 'asymmetric'],
    });
    expect(decide(input([]), t).reasons).toEqual(['no_face']);
    expect(decide(input(undefined, {}, { hasAligned: false }), t).reasons).toEqual(['align_failed']);
  });

  it('symmetry not scored never rejects; an explicit threshold overrides the backend default', () => {
    expect(
      decide(
        input(undefined, { symmetry: null, symmetryBackend: null, symmetryNote: 'not_scored: no model' }),
        t,
      ).decision,
    ).toBe('keep');
    expect(
      decide(input(undefined, { symmetry: 0.05 }), mergeThresholds(t, { symmetry: 0.04 })).reasons,
    ).toEqual(['asymmetric']);
  });

  it('blurry is the face: a soft whole photo (bokeh) is stored, and decides only when a photo threshold is set', () => {
    expect(decide(input(undefined, { brisque: 80 }), t).reasons).toEqual([]);
    expect(decide(input(undefined, { brisque: 80 }), mergeThresholds(t, { brisque: 60 })).reasons).toEqual([
      'blurry',
    ]);
    expect(decide(input(undefined, { faceBrisque: t.faceBrisque + 1 }), t).reasons).toEqual(['blurry']);
  });

  it('maps stored errors to their reason code', () => {
    expect(
      decide(input(undefined, {}, { decodeError: 'symlink_outside_input: points to /etc' }), t).reasons,
    ).toEqual(['symlink_outside_input']);
    expect(errorReason('decode_error: truncated')).toBe('decode_error');
    expect(errorReason('weird text')).toBe('decode_error');
  });

  it('re-decides 100 000 rows from raw scores in well under a second', () => {
    const base = input();
    const rows = Array.from({ length: 100_000 }, (_, i) => ({
      ...base,
      id: i,
      path: `f${i}.jpg`,
      scores: { ...base.scores, faceBrisque: i % 100 },
    }));
    // CPU time, not wall time: the 2-core machine is shared, and CPU time is what the rule costs.
    const t0 = process.cpuUsage();
    const { outcomes, changes } = decideAll(rows, t);
    const { user, system } = process.cpuUsage(t0);
    const ms = (user + system) / 1000;
    process.stderr.write(`decideAll: 100 000 rows in ${ms.toFixed(0)} ms CPU\n`);
    expect(outcomes).toHaveLength(100_000);
    expect(changes.length).toBe(rows.filter((r) => (r.scores.faceBrisque ?? 0) > t.faceBrisque).length);
    expect(ms).toBeLessThan(1000);
  });

  it('deciding from the stored numbers equals the live decideFace on varied faces and configs', () => {
    let seed = 7;
    const rand = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const seen = new Set<string>();
    for (let k = 0; k < 400; k++) {
      const faces = Array.from({ length: Math.floor(rand() * 3) }, () =>
        detected(
          200 + rand() * 600,
          200 + rand() * 600,
          40 + rand() * 400,
          rand(),
          (rand() - 0.5) * 60,
          (rand() - 0.5) * 0.4,
        ),
      );
      // The manifest does not store the FFHQ cut-off fraction yet (issue 16: wild-pipeline adds it), so
      // face_cut_off is left out of this comparison until it does.
      const config = {
        ...t.face,
        targetSize: [256, 512, 1024][k % 3],
        maxRollDeg: 5 + rand() * 20,
        maxCutOffFraction: 1,
      };
      const expected = decideFace(faces, { width: 1000, height: 1000 }, config).reasons;
      expect(decideFromMeasures(input(faces).faces, { width: 1000, height: 1000 }, config)).toEqual(expected);
      seen.add(expected.join(';'));
    }
    expect(seen.size).toBeGreaterThan(5);
    expect(decideFromMeasures([], { width: 1, height: 1 }, t.face)).toEqual(['bad_image']);
  });
});
