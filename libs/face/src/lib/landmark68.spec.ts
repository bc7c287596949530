import { join } from 'node:path';
import * as faceapi from '@vladmandic/face-api/dist/face-api.node-wasm.js';
import { decodeImage, rawToSharp, sharpToRaw, type RawImage } from '@portrait-forge/image-io';
import { describeWithShared } from '@portrait-forge/test-support';
import { initTf, type TfRuntime } from '@portrait-forge/tf-runtime';
import { defaultModelDir } from './detector';
import { readLabels } from './labelled-set';
import { batchTensor, createLandmark68Net, type Landmark68Net } from './landmark68';
import type { Point } from './types';

/**
 * face-api's landmark net as ONNX on onnxruntime against face-api itself on tfjs-wasm. Crop sizes as
 * curation makes them: longer side 112 (padding only) or smaller (padding and resize), either side longer.
 */

jest.setTimeout(120_000);

const net = faceapi.nets.faceLandmark68Net;
let tf: TfRuntime['tf'];
let ort: Landmark68Net;
let tfjs: Landmark68Net;

beforeAll(async () => {
  ({ tf } = await initTf({ ortConv: false, log: () => undefined }));
  if (!net.isLoaded) await net.loadFromDisk(defaultModelDir());
  const fail = (line: string) => {
    throw new Error(line);
  };
  ort = createLandmark68Net(tf, net, { preferOrt: true, log: fail });
  tfjs = createLandmark68Net(tf, net, { preferOrt: false });
});

/** Largest distance (px) between corresponding points. */
function maxDistance(a: Point[][], b: Point[][]): number {
  let worst = 0;
  a.forEach((points, c) =>
    points.forEach((p, i) => (worst = Math.max(worst, Math.hypot(p.x - b[c][i].x, p.y - b[c][i].y)))),
  );
  return worst;
}

/** A smooth face-sized pattern (not a face: any input must give face-api's numbers). */
function pattern(width: number, height: number, channels: 1 | 3 = 3): RawImage {
  const data = Uint8Array.from({ length: width * height * channels }, (_, i) => {
    const p = Math.floor(i / channels);
    const [x, y] = [p % width, Math.floor(p / width)];
    return 128 + 100 * Math.sin(x * 0.11 + (i % channels)) * Math.cos(y * 0.07 - x * 0.03);
  });
  return { data, width, height, channels };
}

/** Crop pixels (observed 3e-5 here, 8e-5 on the photos); without the mean subtraction the synthetic
 * crops' points move by up to 19 px, without dense3's last separable conv by 63 px. */
const MAX_PX = 1e-3;

describe('landmark68 on onnxruntime', () => {
  it('converts and runs on onnxruntime', () => {
    expect(ort.runtime).toBe('onnxruntime');
    expect(tfjs.runtime).toBe('tfjs');
  });

  it('batchTensor equals face-api NetInput.toBatchTensor (centred padding, bilinear resize)', async () => {
    for (const crop of [pattern(112, 97), pattern(83, 112), pattern(61, 50, 1), pattern(112, 112)]) {
      const floats = Float32Array.from({ length: crop.width * crop.height * 3 }, (_, i) =>
        crop.channels === 3 ? crop.data[i] : crop.data[Math.floor(i / 3)],
      );
      const tensor = tf.tensor3d(floats, [crop.height, crop.width, 3]);
      const batch = new faceapi.NetInput([tensor as unknown as faceapi.tf.Tensor3D]).toBatchTensor(112, true);
      const expected = (await batch.data()) as Float32Array;
      const actual = batchTensor(crop);
      const worst = actual.reduce((m, v, i) => Math.max(m, Math.abs(v - expected[i])), 0);
      expect(worst).toBeLessThan(1e-3);
      tensor.dispose();
      batch.dispose();
    }
  });

  it('gives face-api landmarks within 1e-3 px on padded and resized crops, batch of several', async () => {
    const crops = [pattern(112, 97), pattern(83, 112), pattern(61, 50, 1), pattern(40, 40)];
    const diff = maxDistance(await ort.landmarks(crops), await tfjs.landmarks(crops));
    process.stdout.write(`landmark68 synthetic crops: max ${diff.toExponential(2)} px\n`);
    expect(diff).toBeLessThan(MAX_PX);
  });

  it('falls back to face-api on tfjs, saying why, when onnxruntime cannot load', async () => {
    const lines: string[] = [];
    const missing = () => {
      throw new Error('Cannot find module onnxruntime-node');
    };
    const fallback = createLandmark68Net(tf, net, {
      preferOrt: true,
      log: (line) => lines.push(line),
      requireModule: missing,
    });
    expect(fallback.runtime).toBe('tfjs');
    expect(lines).toEqual([
      expect.stringMatching(/^faceLandmark68Net: on tfjs \(onnxruntime not used: .*onnxruntime-node/),
    ]);
    const crops = [pattern(90, 112)];
    expect(await fallback.landmarks(crops)).toEqual(await tfjs.landmarks(crops));
  });

  it('no crops, no landmarks', async () => {
    expect(await ort.landmarks([])).toEqual([]);
  });
});

/** A central crop of the photo with the landmark frame's aspect, longer side `side`. */
async function centralCrop(file: string, side: number, portrait: boolean): Promise<RawImage> {
  const image = await decodeImage(file);
  const [aspectW, aspectH] = portrait ? [0.8, 1] : [1, 0.8];
  const unit = Math.min(image.width / aspectW, image.height / aspectH) * 0.7;
  const [width, height] = [Math.round(unit * aspectW), Math.round(unit * aspectH)];
  const region = {
    left: Math.floor((image.width - width) / 2),
    top: Math.floor((image.height - height) / 3),
    width,
    height,
  };
  const scale = side / Math.max(width, height);
  return sharpToRaw(
    rawToSharp(image)
      .extract(region)
      .resize(Math.round(width * scale), Math.round(height * scale), { fit: 'fill' }),
  );
}

describe.each(['faces-dev', 'faces-wild-dev'])('%s', (set) => {
  describeWithShared(`data/${set}`, `${set}: landmark68 onnxruntime vs face-api`, (dir) => {
    it('every photo: landmarks within 1e-3 px (crops 112 and 77 px, portrait and landscape)', async () => {
      let worst = { diff: 0, file: '' };
      for (const { file } of readLabels(dir)) {
        const crops = await Promise.all(
          [112, 77].flatMap((side) => [true, false].map((p) => centralCrop(join(dir, file), side, p))),
        );
        const diff = maxDistance(await ort.landmarks(crops), await tfjs.landmarks(crops));
        if (diff > worst.diff) worst = { diff, file };
      }
      process.stdout.write(`${set} landmark68: max ${worst.diff.toExponential(2)} px (${worst.file})\n`);
      expect(worst.diff).toBeLessThan(MAX_PX);
    });
  });
});
