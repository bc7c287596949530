import type * as tfjs from '@tensorflow/tfjs';
import { UsageError } from '@portrait-forge/cli';
import type { ImageDistance } from './projector';
import { readNpz, type NpzArray } from './npz';

/**
 * projector.py's perceptual loss: VGG16 features with Zhang et al.'s LPIPS channel weights, from NVlabs'
 * TorchScript `vgg16.pt` converted once by tools/scripts/convert-vgg16.py (which checks this formula
 * against the module itself before writing). Not downloaded by us: the user fetches it.
 */
export const VGG16_LPIPS = {
  url: 'https://nvlabs-fi-cdn.nvidia.com/stylegan2-ada-pytorch/pretrained/metrics/vgg16.pt',
  /** As pinned by genforce's models/perceptual_model.py; the converter refuses other files. */
  sha256: 'b437eb095feaeb0b83eb3fa11200ebca4548ee39a07fb944a417ddc516cc07c3',
} as const;

export function convertVgg16Command(out: string): string {
  return `/usr/bin/python3 tools/scripts/convert-vgg16.py --vgg16 vgg16.pt --out ${out}`;
}

/** VGG16's 13 convs as 3×3 "same" + ReLU; a 2×2 max pool after the 2nd, 4th, 7th and 10th. */
const POOL_AFTER = new Set([1, 3, 6, 9]);
/** LPIPS reads relu1_2, relu2_2, relu3_3, relu4_3, relu5_3. */
const TAPS = [1, 3, 6, 9, 12];
const CONVS = 13;
/** ImageNet mean/std on [0, 1] pixels (= LPIPS' ScalingLayer on [-1, 1]). */
const MEAN = [0.485, 0.456, 0.406];
const STD = [0.229, 0.224, 0.225];
/** projector.py area-downsamples images above 256 px before VGG16. */
const MAX_SIZE = 256;

export interface Vgg16Lpips extends ImageDistance {
  dispose(): void;
}

/** Loads the converter's .npz and returns the LPIPS distance on it (NHWC [-1, 1] images, gray repeated). */
export async function loadVgg16Lpips(tf: typeof tfjs, file: string): Promise<Vgg16Lpips> {
  let arrays: Map<string, NpzArray>;
  try {
    arrays = await readNpz(file);
  } catch (error) {
    throw new UsageError(
      `--vgg16 ${(error as Error).message}. Fix: download ${VGG16_LPIPS.url} (sha256 ${VGG16_LPIPS.sha256}) and run \`${convertVgg16Command(file)}\``,
    );
  }
  const take = (name: string): tfjs.Tensor => {
    const a = arrays.get(name);
    if (!a)
      throw new UsageError(
        `--vgg16 ${file}: no array ${name}; convert vgg16.pt with ${convertVgg16Command(file)}`,
      );
    return tf.tensor(Float32Array.from(a.data), a.shape);
  };
  // OIHW (torch) → HWIO (tfjs conv2d filters).
  const kernels = Array.from({ length: CONVS }, (_, i) =>
    tf.tidy(() => tf.transpose(take(`conv${i + 1}_weight`), [2, 3, 1, 0])),
  );
  const biases = Array.from({ length: CONVS }, (_, i) => take(`conv${i + 1}_bias`));
  const lpips = TAPS.map((_, j) => take(`lpips${j}`));
  const mean = tf.tensor1d(MEAN);
  const std = tf.tensor1d(STD);

  /** The unit-normalised (over channels) relu1_2 … relu5_3 maps of NHWC [-1, 1] images. */
  const unitTaps = (images: tfjs.Tensor4D): tfjs.Tensor4D[] =>
    tf.tidy(() => {
      let x = images;
      if (x.shape[3] === 1) x = tf.tile(x, [1, 1, 1, 3]);
      while (x.shape[1] > MAX_SIZE) x = tf.avgPool(x, 2, 2, 'valid');
      x = tf.div(tf.sub(tf.mul(tf.add(x, 1), 0.5), mean), std);
      const taps: tfjs.Tensor4D[] = [];
      for (let i = 0; i < CONVS; i++) {
        x = tf.relu(tf.add(tf.conv2d(x, kernels[i] as tfjs.Tensor4D, 1, 'same'), biases[i]));
        if (TAPS.includes(i)) taps.push(tf.div(x, tf.add(tf.sqrt(tf.sum(tf.square(x), 3, true)), 1e-10)));
        if (POOL_AFTER.has(i)) x = tf.maxPool(x, 2, 2, 'valid');
      }
      return taps;
    });

  // The projector asks for the same target every step: its taps are computed once (projector.py too).
  let target: { id: number; taps: tfjs.Tensor4D[] } | undefined;
  const targetTaps = (image: tfjs.Tensor4D): tfjs.Tensor4D[] => {
    if (target?.id !== image.id) {
      target?.taps.forEach((t) => t.dispose());
      target = { id: image.id, taps: tf.tidy(() => unitTaps(image).map((t) => tf.keep(t))) };
    }
    return target.taps;
  };

  /** Σ over taps and channels of w_c · mean over pixels of (unit-normalised a − b)², over the batch. */
  const distance = (synth: tfjs.Tensor4D, image: tfjs.Tensor4D): tfjs.Scalar => {
    const b = targetTaps(image);
    return tf.tidy(() =>
      tf.addN(
        unitTaps(synth).map((a, tap) =>
          tf.sum(tf.mul(tf.mean(tf.squaredDifference(a, b[tap]), [1, 2]), lpips[tap])),
        ),
      ),
    ) as tfjs.Scalar;
  };

  return {
    name: 'vgg16-lpips',
    distance: (_tf, synth, target) => distance(synth, target),
    dispose() {
      for (const t of [...kernels, ...biases, ...lpips, mean, std, ...(target?.taps ?? [])]) t.dispose();
      target = undefined;
    },
  };
}
