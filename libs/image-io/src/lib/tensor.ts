import type * as tfjs from '@tensorflow/tfjs';
import type { RawImage } from './decode';
import type { PixelRange } from './pixels';

/** Float32 HWC pixels in the given range (add a batch axis with `expandDims(0)`). */
export function imageToTensor(tf: typeof tfjs, image: RawImage, range: PixelRange = '0..255'): tfjs.Tensor3D {
  const floats = new Float32Array(image.data.length);
  const [scale, offset] = range === '0..1' ? [1 / 255, 0] : range === '-1..1' ? [2 / 255, -1] : [1, 0];
  for (let i = 0; i < floats.length; i++) floats[i] = image.data[i] * scale + offset;
  return tf.tensor3d(floats, [image.height, image.width, image.channels]);
}
