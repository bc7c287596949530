import type { RawImage } from '@portrait-forge/image-io';

export type SilhouetteBackendName = 'u2net' | 'u2netp' | 'selfie' | 'meet';
export type SilhouetteChoice = SilhouetteBackendName | 'auto';

export const SILHOUETTE_CHOICES: readonly SilhouetteChoice[] = ['auto', 'u2net', 'u2netp', 'selfie', 'meet'];

export function isSilhouetteChoice(value: string): value is SilhouetteChoice {
  return (SILHOUETTE_CHOICES as readonly string[]).includes(value);
}

/** A person/salient-object segmenter. */
export interface Silhouette {
  readonly name: SilhouetteBackendName;
  /** Where the backend runs (`onnxruntime cpu`, `tfjs wasm`, …), for logs and manifests. */
  readonly runtime: string;
  /** Mask at the image's size, row-major, 0 (background) … 255 (foreground). */
  mask(image: RawImage): Promise<Uint8Array>;
  dispose(): Promise<void>;
}

/** Returned instead of a backend when none could be loaded: the stage records `not_scored`. */
export interface NotAvailable {
  readonly status: 'not_available';
  readonly reason: string;
}

export function isSilhouette(value: Silhouette | NotAvailable): value is Silhouette {
  return !('status' in value);
}

/** Gray → RGB by repetition; RGB passes through. */
export function toRgb(image: RawImage): Uint8Array {
  if (image.channels === 3) return image.data;
  const n = image.width * image.height;
  const rgb = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) rgb[3 * i] = rgb[3 * i + 1] = rgb[3 * i + 2] = image.data[i];
  return rgb;
}
