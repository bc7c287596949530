import { createWriteStream } from 'node:fs';
import yazl from 'yazl';
import { formatNpyArray } from '@portrait-forge/metrics';
import { UsageError } from '@portrait-forge/cli';
import { readNpz, type NpzArray } from './npz';

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
  let arrays: Map<string, NpzArray>;
  try {
    arrays = await readNpz(file);
  } catch (error) {
    throw new UsageError(`--projected-w ${(error as Error).message}`);
  }
  const w = arrays.get('w');
  if (!w)
    throw new UsageError(
      `--projected-w ${file}: no array "w" (write it with trainer project or projector.py)`,
    );
  const { shape, data } = w;
  if (shape.length !== 3 || shape[1] !== numWs || shape[2] !== wDim)
    throw new UsageError(
      `--projected-w ${file}: w has shape (${shape.join(', ')}), the network takes (N, ${numWs}, ${wDim}); project with this network`,
    );
  return Float32Array.from(data);
}
