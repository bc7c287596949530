import { describeWithShared } from '@portrait-forge/test-support';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { createAnalyzer, type Analysis, type Analyzer } from './analyse';
import { decisionInputOf } from '@portrait-forge/manifest';
import { decide } from './decide';
import { sha256 } from './hash';
import { defaultThresholds } from './thresholds';

// Issue 16: blur is judged on the face. A shallow depth of field (sharp face, blurred background)
// must stay kept; the same photo with only the face blurred must be `blurry`.
describeWithShared('data/faces-wild-dev', 'blur where it matters (faces-wild-dev keepers)', (dir) => {
  const thresholds = defaultThresholds(256);
  let analyzer: Analyzer;
  beforeAll(async () => {
    analyzer = await createAnalyzer(
      {
        outDir: join(require('node:os').tmpdir(), 'face-blur-spec'),
        size: 256,
        detector: 'blazeface',
        silhouette: 'selfie',
        face: thresholds.face,
        maxPixels: 100_000_000,
        thumbSize: 64,
        photoBrisque: false,
      },
      () => undefined,
    );
  }, 120_000);

  const analyse = async (name: string, buffer: Buffer): Promise<Analysis> =>
    analyzer.analyse({ path: name, sha256: sha256(buffer), buffer });
  const reasonsOf = (name: string, a: Analysis) =>
    decide(
      decisionInputOf({
        path: name,
        size: 0,
        mtimeMs: 0,
        sha256: null,
        ...a,
        decision: 'reject',
        reasons: [],
      }),
      thresholds,
    ).reasons;

  it.each(['keep/faceonnx_bruce.jpg', 'keep/faceonnx_jake.jpg', 'keep/uniface_src_man3.jpg'])(
    '%s: background blurred outside the face stays kept; the face blurred is rejected as blurry',
    async (file) => {
      const original = readFileSync(join(dir, file));
      const upright = await sharp(original).rotate().jpeg({ quality: 95 }).toBuffer();
      const first = await analyse(file, upright);
      expect(reasonsOf(file, first)).toEqual([]);
      const box = first.faces.reduce((a, b) => (b.score > a.score ? b : a)).box;
      const { width = 0, height = 0 } = await sharp(upright).metadata();
      // The head (box grown by 40 % each way, as the FFHQ crop reaches past the detector box).
      const grow = 0.4;
      const head = {
        left: Math.max(0, Math.round(box.x - grow * box.width)),
        top: Math.max(0, Math.round(box.y - grow * box.height)),
        width: 0,
        height: 0,
      };
      head.width = Math.min(width, Math.round(box.x + (1 + grow) * box.width)) - head.left;
      head.height = Math.min(height, Math.round(box.y + (1 + grow) * box.height)) - head.top;
      const sigma = Math.max(4, box.width / 25);
      const blurred = await sharp(upright).blur(sigma).toBuffer();
      const cut = (source: Buffer) => sharp(source).extract(head).toBuffer();

      const bokeh = await sharp(blurred)
        .composite([{ input: await cut(upright), left: head.left, top: head.top }])
        .jpeg({ quality: 95 })
        .toBuffer();
      const bokehAnalysis = await analyse(file, bokeh);
      expect(reasonsOf(file, bokehAnalysis)).toEqual([]);

      const soft = await sharp(upright)
        .composite([{ input: await cut(blurred), left: head.left, top: head.top }])
        .jpeg({ quality: 95 })
        .toBuffer();
      expect(reasonsOf(file, await analyse(file, soft))).toContain('blurry');
    },
    120_000,
  );
});
