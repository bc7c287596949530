import { initTf } from '@portrait-forge/tf-runtime';
import * as tf from '@tensorflow/tfjs';
import { registerSumOfSquaresKernels, SUM_OF_SQUARES_KERNEL, sumOfSquaresAll } from './norm-kernel';

beforeAll(async () => {
  await initTf({ log: () => undefined });
  registerSumOfSquaresKernels();
});

describe('sumOfSquaresAll', () => {
  it('matches Σ sum(square(x)) from ops, with and without the kernel', () => {
    const tensors = [tf.tensor2d([0.5, -1, 2, 0.25], [2, 2]), tf.tensor1d([3, -4e-3, 1e3]), tf.scalar(-7)];
    const want = [0.25, 1, 4, 0.0625, 9, 1.6e-5, 1e6, 49].reduce((a, b) => a + b, 0);
    const fused = sumOfSquaresAll(tensors);
    tf.unregisterKernel(SUM_OF_SQUARES_KERNEL, tf.getBackend());
    try {
      const ops = sumOfSquaresAll(tensors);
      expect(fused.shape).toEqual([]);
      expect(fused.dataSync()[0]).toBeCloseTo(want, 2);
      expect(ops.dataSync()[0]).toBeCloseTo(want, 2);
      ops.dispose();
    } finally {
      registerSumOfSquaresKernels();
    }
    tf.dispose([fused, ...tensors]);
  });
});
