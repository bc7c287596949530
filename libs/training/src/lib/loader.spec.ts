import { describeWithShared } from '@portrait-forge/test-support';
import { ImageLoader, SampleOrder } from './loader';
import { folderSource } from './sources';
import { syntheticImageFolder } from '../testing';

describe('SampleOrder', () => {
  it('visits every item once per epoch, reshuffles per epoch, and is a pure function of the sample index', () => {
    const o = new SampleOrder(10, 5, true);
    const epoch0 = Array.from({ length: 10 }, (_, i) => o.at(i).index);
    const epoch1 = Array.from({ length: 10 }, (_, i) => o.at(10 + i).index);
    expect([...epoch0].sort((a, b) => a - b)).toEqual([...Array(10).keys()]);
    expect(epoch1).not.toEqual(epoch0);
    expect(new SampleOrder(10, 5, true).at(13)).toEqual(o.at(13));
    const flips = Array.from({ length: 200 }, (_, i) => o.at(i).flip).filter(Boolean).length;
    expect(flips).toBeGreaterThan(70);
    expect(flips).toBeLessThan(130);
  });
});

describe('ImageLoader', () => {
  it('resumes mid-stream: a loader started at sample 8 yields what the first one yields from 8', async () => {
    const dir = await syntheticImageFolder(12, 16);
    const opts = { resolution: 8, channels: 1 as const, batch: 4, seed: 3, mirror: true };
    const a = new ImageLoader(folderSource(dir), opts);
    const batches = [await a.nextBatch(), await a.nextBatch(), await a.nextBatch()];
    expect(a.cursor).toBe(12);
    await a.close();
    const b = new ImageLoader(folderSource(dir), { ...opts, start: 8 });
    const resumed = await b.nextBatch();
    await b.close();
    expect(resumed.samples).toEqual([8, 9, 10, 11]);
    expect(Array.from(resumed.data)).toEqual(Array.from(batches[2].data));
    expect(batches[0].shape).toEqual([4, 8, 8, 1]);
    const values = Array.from(batches[0].data);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(-1);
    expect(Math.max(...values)).toBeLessThanOrEqual(1);
  });

  it('names an empty folder and says what to pass', async () => {
    const dir = await syntheticImageFolder(0);
    expect(() => folderSource(dir)).toThrow(/no images .* point it at a folder/);
  });
});

describeWithShared('data/faces-train', 'ImageLoader on faces-train', (dir) => {
  it('streams all 10 000 images with flat memory', async () => {
    const loader = new ImageLoader(folderSource(dir), {
      resolution: 16,
      channels: 1,
      batch: 100,
      seed: 0,
      mirror: true,
      concurrency: 4,
    });
    const mem = (): number => {
      const m = process.memoryUsage();
      return m.heapUsed + m.external + m.arrayBuffers;
    };
    let warm = 0;
    let peak = 0;
    let seen = 0;
    for (let b = 0; b < 100; b++) {
      const batch = await loader.nextBatch();
      seen += batch.samples.length;
      if (b === 10) {
        global.gc?.();
        warm = mem();
      }
      if (b > 10) peak = Math.max(peak, mem());
    }
    await loader.close();
    expect(seen).toBe(10000);
    process.stdout.write(
      `loader: 10 000 images streamed; memory growth after warm-up ${((peak - warm) / 2 ** 20).toFixed(1)} MB\n`,
    );
    // The dataset is 10 000 × 250² bytes ≈ 625 MB decoded; the loader holds a few batches (≈ 0.3 MB).
    expect(peak - warm).toBeLessThan(64 * 2 ** 20);
  }, 240_000);
});
