import { initTf } from '@portrait-forge/tf-runtime';
import * as tf from '@tensorflow/tfjs';
import { emaLerp, LERP_KERNEL, registerLerpKernels } from './lerp-kernel';

beforeAll(async () => {
  await initTf({ log: () => undefined });
  registerLerpKernels();
});

describe('emaLerp', () => {
  it('gives the same bits with the kernel as with ops', () => {
    const wave = (k: number) => Array.from({ length: 101 }, (_, i) => Math.sin(i * k) * 10 ** ((i % 7) - 3));
    const v = tf.tensor2d(wave(0.7), [1, 101]);
    const s = tf.tensor2d(wave(1.9), [1, 101]);
    const fused = emaLerp(v, s, 0.99);
    tf.unregisterKernel(LERP_KERNEL, tf.getBackend());
    try {
      const ops = emaLerp(v, s, 0.99);
      expect(fused.shape).toEqual([1, 101]);
      expect(Array.from(fused.dataSync())).toEqual(Array.from(ops.dataSync()));
      ops.dispose();
    } finally {
      registerLerpKernels();
    }
    tf.dispose([v, s, fused]);
  });
});
