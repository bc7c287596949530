import * as tf from '@tensorflow/tfjs';
import { Sfc32 } from '@portrait-forge/random';
import { diffAugment, randColor, randCutout, randTranslation } from './diffaugment';

const OPS = { color: randColor, translation: randTranslation, cutout: randCutout, all: diffAugment };

function images(n: number, h: number, c: number): tf.Tensor4D {
  return tf.tensor4d(
    Float32Array.from({ length: n * h * h * c }, (_, i) => Math.sin(i * 0.37)),
    [n, h, h, c],
  );
}

describe('DiffAugment (colour, translation, cutout)', () => {
  it.each(Object.entries(OPS))('%s keeps the shape and passes gradients to its input', (_, op) => {
    const x = images(4, 16, 3);
    const rng = new Sfc32(7);
    const y = op(tf, x, rng);
    expect(y.shape).toEqual(x.shape);
    const grad = tf.grad((input: tf.Tensor) => tf.sum(tf.square(op(tf, input as tf.Tensor4D, new Sfc32(7)))))(
      x,
    );
    const g = grad.dataSync();
    expect(g.every(Number.isFinite)).toBe(true);
    expect(g.some((v) => v !== 0)).toBe(true);
    tf.dispose([x, y, grad]);
  });

  it('translation shifts content by whole pixels with zero fill, at most 1/8 of the side', () => {
    const x = tf.ones([8, 16, 16, 1]) as tf.Tensor4D;
    const y = randTranslation(tf, x, new Sfc32(1));
    const data = y.dataSync();
    for (let i = 0; i < 8; i++) {
      const img = data.subarray(i * 256, (i + 1) * 256);
      const zeros = img.filter((v) => v === 0).length;
      // Shifts of up to 2 px in x and y leave at most 16·2 + 16·2 − 4 zeroed pixels.
      expect(zeros).toBeLessThanOrEqual(60);
      expect(img.every((v) => v === 0 || v === 1)).toBe(true);
    }
    tf.dispose([x, y]);
  });

  it('cutout zeroes one square of half the side (less where it overhangs)', () => {
    const x = tf.ones([16, 16, 16, 1]) as tf.Tensor4D;
    const y = randCutout(tf, x, new Sfc32(2));
    const data = y.dataSync();
    const zeroCounts = Array.from(
      { length: 16 },
      (_, i) => data.subarray(i * 256, (i + 1) * 256).filter((v) => v === 0).length,
    );
    expect(Math.max(...zeroCounts)).toBe(64);
    expect(zeroCounts.every((z) => z > 0 && z <= 64)).toBe(true);
    tf.dispose([x, y]);
  });

  it('colour on gray images: brightness and contrast only (saturation is the identity for 1 channel)', () => {
    const x = images(2, 8, 1);
    const y = randColor(tf, x, new Sfc32(3));
    const [xs, ys] = [x.dataSync(), y.dataSync()];
    // Each image is an affine map a·x + b of its input.
    for (let i = 0; i < 2; i++) {
      const o = i * 64;
      const a = (ys[o + 1] - ys[o]) / (xs[o + 1] - xs[o]);
      const b = ys[o] - a * xs[o];
      for (let k = 0; k < 64; k++) expect(ys[o + k]).toBeCloseTo(a * xs[o + k] + b, 4);
    }
    tf.dispose([x, y]);
  });
});
