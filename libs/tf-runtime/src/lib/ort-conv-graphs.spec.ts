import * as tf from '@tensorflow/tfjs';
import { onnx } from 'onnx-proto';
import { convGraph, type OrtConvKernel } from './ort-conv-graphs';

/** Which ONNX ops each kernel's graph runs (the values are checked in ort-conv-kernels.spec.ts). */

const opsOf = (kernel: OrtConvKernel, info: tf.backend_util.Conv2DInfo, nchwcBlock: number) =>
  onnx.ModelProto.decode(convGraph({ kernel, info, nchwcBlock }).model).graph?.node?.map(
    (n) => `${n.domain ? `${n.domain}.` : ''}${n.opType}`,
  ) ?? [];

// StyleGAN2's upsampling conv at 32²: 16² → 33², 64 channels, 3×3 stride 2 'valid'.
const upsample = tf.backend_util.computeConv2DInfo([8, 33, 33, 64], [3, 3, 64, 64], 2, 1, 'valid');

describe('ORT conv graphs', () => {
  it('runs a strided dx as one blocked conv per output phase (4 at stride 2), no ConvTranspose', () => {
    const ops = opsOf('Conv2DBackpropInput', upsample, 16);
    expect(ops.filter((o) => o === 'com.microsoft.nchwc.Conv')).toHaveLength(4);
    expect(ops.filter((o) => o === 'com.microsoft.nchwc.ReorderInput')).toHaveLength(1); // dy once
    expect(ops).not.toContain('ConvTranspose');
  });

  it('keeps ConvTranspose without NCHWc blocks, and for a phase that gets no taps', () => {
    expect(opsOf('Conv2DBackpropInput', upsample, 1)).toContain('ConvTranspose');
    const oneByOne = tf.backend_util.computeConv2DInfo([2, 7, 7, 16], [1, 1, 16, 16], 2, 1, 'valid');
    expect(opsOf('Conv2DBackpropInput', oneByOne, 16)).toContain('ConvTranspose');
  });

  it('runs Conv2D and the stride-1 dx as one blocked conv where the channels are whole blocks', () => {
    const same = tf.backend_util.computeConv2DInfo([8, 32, 32, 64], [3, 3, 64, 64], 1, 1, 'same');
    for (const kernel of ['Conv2D', 'Conv2DBackpropInput'] as const) {
      expect(opsOf(kernel, same, 16)).toContain('com.microsoft.nchwc.Conv');
      expect(opsOf(kernel, same, 1)).toContain('Conv');
      expect(opsOf(kernel, same, 1)).not.toContain('com.microsoft.nchwc.Conv');
    }
    const rgb = tf.backend_util.computeConv2DInfo([8, 32, 32, 3], [3, 3, 3, 64], 1, 1, 'same');
    expect(opsOf('Conv2D', rgb, 16)).not.toContain('com.microsoft.nchwc.Conv'); // 3 channels: no blocks
  });
});
