import { byteToRange, decodeImage, rawToSharp, sharpToRaw } from '@portrait-forge/image-io';
import { permutation } from '@portrait-forge/random';
import type { ImageSource } from './sources';

export interface LoaderOptions {
  resolution: number;
  channels: 1 | 3;
  batch: number;
  /** Shuffle seed; epoch e uses permutation(seed + e). */
  seed: number;
  /** Random x-flips (SG2-ADA --mirror), decided per sample from the seed. */
  mirror: boolean;
  /** Batches decoded ahead of the trainer. */
  prefetch?: number;
  /** Images decoded concurrently (sharp works on libuv's thread pool, off the JS thread). */
  concurrency?: number;
  /** Global sample index to start from (= images already consumed; used by resume). */
  start?: number;
  /** Called once per unreadable file (the loader substitutes the next file in order). */
  onBadImage?: (label: string, reason: string) => void;
}

/** A batch in NHWC order, pixels in [-1, 1] as NVlabs' `img / 127.5 - 1`. */
export interface Batch {
  data: Float32Array;
  shape: [number, number, number, number];
  /** Global sample indices of the batch's items. */
  samples: number[];
}

/** sample → (dataset index, flip) deterministically from (seed, sample). */
export class SampleOrder {
  private epoch = -1;
  private perm: Uint32Array = new Uint32Array(0);

  constructor(
    readonly size: number,
    readonly seed: number,
    readonly mirror: boolean,
  ) {}

  at(sample: number): { index: number; flip: boolean } {
    const epoch = Math.floor(sample / this.size);
    if (epoch !== this.epoch) {
      this.perm = permutation(this.size, (this.seed + epoch) >>> 0);
      this.epoch = epoch;
    }
    return { index: this.perm[sample % this.size], flip: this.mirror && hashBit(this.seed, sample) };
  }
}

function hashBit(seed: number, sample: number): boolean {
  let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(sample, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return ((h ^ (h >>> 16)) & 1) === 1;
}

/** Decodes one image to res×res×channels bytes (cover-crop resize with Lanczos, optional x-flip). */
export async function loadImage(
  input: string | Buffer,
  label: string,
  resolution: number,
  channels: 1 | 3,
  flip: boolean,
): Promise<Uint8Array> {
  const img = await decodeImage(input, { channels }, label);
  let pipeline = rawToSharp(img);
  if (img.width !== resolution || img.height !== resolution) {
    pipeline = pipeline.resize(resolution, resolution, { fit: 'cover', kernel: 'lanczos3' });
  }
  if (flip) pipeline = pipeline.flop();
  // sharp widens 1-channel raw input to sRGB on output unless told otherwise.
  if (channels === 1) pipeline = pipeline.toColourspace('b-w');
  const out = await sharpToRaw(pipeline);
  if (out.channels !== channels)
    throw new Error(`${label}: decoded to ${out.channels} channels, expected ${channels}`);
  return out.data;
}

/**
 * Streams batches in a seeded, resumable order with `prefetch` batches in flight. Only the batches in
 * flight are held in memory, never the dataset.
 */
export class ImageLoader {
  private readonly order: SampleOrder;
  private next: number;
  private readonly queue: Array<Promise<Batch>> = [];
  private readonly prefetch: number;
  private readonly concurrency: number;

  constructor(
    private readonly source: ImageSource,
    private readonly opts: LoaderOptions,
  ) {
    if (source.size === 0) throw new Error(`${source.description}: no images to train on`);
    this.order = new SampleOrder(source.size, opts.seed, opts.mirror);
    this.next = opts.start ?? 0;
    this.prefetch = Math.max(1, opts.prefetch ?? 2);
    this.concurrency = Math.max(1, opts.concurrency ?? 4);
  }

  /** Images per batch handed out by nextBatch. */
  get batch(): number {
    return this.opts.batch;
  }

  /** Global index of the first sample of the next batch handed out. */
  get cursor(): number {
    return this.next - this.queue.length * this.opts.batch;
  }

  async nextBatch(): Promise<Batch> {
    while (this.queue.length < this.prefetch)
      this.queue.push(this.loadBatch(this.next, this.opts.batch, true));
    const batch = this.queue.shift() as Promise<Batch>;
    this.queue.push(this.loadBatch(this.next, this.opts.batch, true));
    return batch;
  }

  /** Loads a batch at `start` without advancing the stream (e.g. the reals grid). */
  peek(start: number, count: number, withFlip = false): Promise<Batch> {
    return this.loadBatch(start, count, false, withFlip);
  }

  private loadBatch(start: number, count: number, advance: boolean, withFlip = true): Promise<Batch> {
    if (advance) this.next = start + count;
    const { resolution: r, channels: c } = this.opts;
    const per = r * r * c;
    const data = new Float32Array(count * per);
    const samples = Array.from({ length: count }, (_, k) => start + k);
    let cursor = 0;
    const worker = async (): Promise<void> => {
      while (cursor < count) {
        const k = cursor++;
        const bytes = await this.loadSample(samples[k], withFlip);
        for (let i = 0; i < per; i++) data[k * per + i] = byteToRange(bytes[i], '-1..1');
      }
    };
    const promise = Promise.all(Array.from({ length: Math.min(this.concurrency, count) }, worker)).then(
      () => ({
        data,
        shape: [count, r, r, c] as [number, number, number, number],
        samples,
      }),
    );
    promise.catch(() => undefined); // surfaced when awaited
    return promise;
  }

  private async loadSample(sample: number, withFlip: boolean): Promise<Uint8Array> {
    const { index, flip } = this.order.at(sample);
    // A bad file is replaced by the following ones (deterministically), so one corrupt crop cannot stop a run.
    for (let attempt = 0; attempt < Math.min(16, this.source.size); attempt++) {
      const i = (index + attempt) % this.source.size;
      const { input, label } = await this.source.read(i);
      try {
        return await loadImage(input, label, this.opts.resolution, this.opts.channels, withFlip && flip);
      } catch (err) {
        this.opts.onBadImage?.(label, (err as Error).message);
      }
    }
    throw new Error(
      `16 consecutive unreadable images near item ${index} of ${this.source.description}; check the dataset.`,
    );
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.queue);
    this.queue.length = 0;
    await this.source.close();
  }
}
