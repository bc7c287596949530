import yauzl from 'yauzl';
import { parseNpyArray } from '@portrait-forge/metrics';

export interface NpzArray {
  shape: number[];
  data: Float32Array | Float64Array;
}

/** Every array of a numpy .npz (numpy.savez: a zip of NAME.npy entries), by name. */
export async function readNpz(file: string): Promise<Map<string, NpzArray>> {
  const arrays = new Map<string, NpzArray>();
  await new Promise<void>((ok, fail) => {
    yauzl.open(file, { lazyEntries: true }, (err, zip) => {
      if (err) return fail(new Error(`${file}: not a readable .npz (${err.message})`));
      zip.on('entry', (entry: yauzl.Entry) => {
        if (!entry.fileName.endsWith('.npy')) return zip.readEntry();
        zip.openReadStream(entry, (e, stream) => {
          if (e) return fail(e);
          const parts: Buffer[] = [];
          stream
            .on('data', (c: Buffer) => parts.push(c))
            .on('end', () => {
              const name = entry.fileName.slice(0, -'.npy'.length);
              try {
                arrays.set(name, parseNpyArray(Buffer.concat(parts), `${file}:${name}`));
              } catch (error) {
                return fail(error);
              }
              zip.readEntry();
            });
        });
      });
      zip.on('end', () => ok());
      zip.on('error', fail);
      zip.readEntry();
    });
  });
  return arrays;
}
