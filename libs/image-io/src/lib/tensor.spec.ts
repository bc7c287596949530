import * as tf from '@tensorflow/tfjs';
import { imageToTensor } from './tensor';

describe('imageToTensor', () => {
  it('maps pixels to HWC floats in the requested range', async () => {
    const image = { data: new Uint8Array([0, 255, 51, 102]), width: 2, height: 2, channels: 1 as const };
    await tf.setBackend('cpu');
    const t = imageToTensor(tf, image, '-1..1');
    expect(t.shape).toEqual([2, 2, 1]);
    const values = Array.from(await t.data());
    expect(values[0]).toBeCloseTo(-1, 6);
    expect(values[1]).toBeCloseTo(1, 6);
    expect(values[2]).toBeCloseTo(-0.6, 6);
  });
});
