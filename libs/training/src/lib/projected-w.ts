import { createWriteStream } from 'node:fs';
import yauzl from 'yauzl';
import yazl from 'yazl';
import { formatNpyArray, parseNpyArray } from '@portrait-forge/metrics';
import { UsageError } from '@portrait-forge/cli';

/** projector.py writes `projected_w.npz` with one array `w` of shape [1, num_ws, w_dim]; generate.py reads it. */
export const PROJECTED_W_FILE = 'projected_w.npz';

export async function saveProjectedW(
  file: string,
  w: Float32Array,
  numWs: number,
  wDim: number,
): Promise<void> {
  const zip = new yazl.ZipFile();
  zip.addBuffer(formatNpyArray([1, numWs, wDim], w), 'w.npy');
  zip.end();
  await new Promise<void>((ok, fail) => {
    const out = createWriteStream(file);
    out.on('close', ok).on('error', fail);
    zip.outputStream.pipe(out);
  });
}

/** The ws of a projected_w.npz ([N, num_ws, w_dim]); checked against the generator's shape. */
export async function loadProjectedW(file: string, numWs: number, wDim: number): Promise<Float32Array> {
  const bytes = await new Promise<Buffer>((ok, fail) => {
    yauzl.open(file, { lazyEntries: true }, (err, zip) => {
      if (err) return fail(new UsageError(`--projected-w ${file}: not a readable .npz (${err.message})`));
      zip.on('entry', (entry: yauzl.Entry) => {
        if (entry.fileName !== 'w.npy') return zip.readEntry();
        zip.openReadStream(entry, (e, stream) => {
          if (e) return fail(e);
          const parts: Buffer[] = [];
          stream.on('data', (c: Buffer) => parts.push(c)).on('end', () => ok(Buffer.concat(parts)));
        });
      });
      zip.on('end', () =>
        fail(
          new UsageError(
            `--projected-w ${file}: no array "w" (write it with trainer project or projector.py)`,
          ),
        ),
      );
      zip.readEntry();
    });
  });
  const { shape, data } = parseNpyArray(bytes, `${file}:w`);
  if (shape.length !== 3 || shape[1] !== numWs || shape[2] !== wDim)
    throw new UsageError(
      `--projected-w ${file}: w has shape (${shape.join(', ')}), the network takes (N, ${numWs}, ${wDim}); project with this network`,
    );
  return Float32Array.from(data);
}
