import { join } from 'node:path';
import { settingsOf } from '@portrait-forge/cli';
import { byteToRange } from '@portrait-forge/image-io';
import { Generator, serializeWeights, stylegan2Config } from '@portrait-forge/stylegan2';
import { initTf } from '@portrait-forge/tf-runtime';
import {
  NETWORK_CHECKPOINT_FORMAT,
  ProjectOptionsSchema,
  latentsForSeeds,
  loadImage,
  psnr,
  saveImageGrid,
  saveNetworkCheckpoint,
} from '@portrait-forge/training';
import { tempDir } from '@portrait-forge/training/testing';
import { projectCommand } from './project';

/** A tiny 16² grayscale network checkpoint and a PNG it generated, in a fresh directory. */
async function tinyNetworkAndTarget(): Promise<{ dir: string; ckpt: string; targetPng: string }> {
  const { tf } = await initTf({ backend: 'wasm', log: () => undefined });
  const dir = tempDir();
  const config = stylegan2Config('tiny', { resolution: 16, channels: 1 });
  const G = new Generator(config, 3);
  const weights = serializeWeights(G.store);
  const ckpt = join(dir, 'net.ckpt');
  saveNetworkCheckpoint(
    ckpt,
    { format: NETWORK_CHECKPOINT_FORMAT, config, source: 'test', notes: [] },
    { G: weights, D: {}, G_ema: weights },
  );
  const image = tf.tidy(() =>
    G.synthesize(G.map(tf.tensor2d(latentsForSeeds([4], config.zDim), [1, config.zDim])), {
      noiseMode: 'const',
    }),
  );
  const targetPng = join(dir, 'target-in.png');
  await saveImageGrid(targetPng, image.dataSync() as Float32Array, [1, 16, 16, 1], 1);
  image.dispose();
  G.dispose();
  return { dir, ckpt, targetPng };
}

async function pixels(file: string): Promise<Float32Array> {
  return Float32Array.from(await loadImage(file, file, 16, 1, false), (b) => byteToRange(b, '-1..1'));
}

describe('trainer project', () => {
  it('runs the given number of steps and prints the PSNR of proj.png against the target', async () => {
    const { dir, ckpt, targetPng } = await tinyNetworkAndTarget();
    const outdir = join(dir, 'out');
    const printed: string[] = [];
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      printed.push(String(chunk));
      return true;
    });
    try {
      await projectCommand().parseAsync(
        [
          ...['--network', ckpt, '--target', targetPng, '--outdir', outdir, '--backend', 'wasm'],
          ...['--num-steps', '40', '--initial-learning-rate', '0.2', '--initial-noise-factor', '0'],
          '--no-save-video',
        ],
        { from: 'user' },
      );
    } finally {
      write.mockRestore();
    }
    const out = printed.join('');
    expect(out).toContain('step 40/40');
    const shown = /PSNR (\d+\.\d\d) dB against the target/.exec(out);
    expect(shown).not.toBeNull();
    // The printed figure is of the float render; proj.png is that render in 8 bits.
    const saved = psnr(await pixels(join(outdir, 'proj.png')), await pixels(join(outdir, 'target.png')));
    expect(Number(shown?.[1])).toBeCloseTo(saved, 0);
    expect(saved).toBeGreaterThan(10);
  }, 120000);

  it('resolves absent flags to ProjectOptionsSchema defaults and given ones into the options', () => {
    const cmd = projectCommand();
    const settings = settingsOf(cmd);
    const base = { network: 'x.ckpt', target: 'face.png', outdir: 'o', saveVideo: true, video: 'webp' };
    expect(settings?.resolve(base, cmd)).toMatchObject({ options: ProjectOptionsSchema.parse({}) });
    expect(
      settings?.resolve({ ...base, initialLearningRate: 0.2, initialNoiseFactor: 0, numSteps: 600 }, cmd),
    ).toMatchObject({ options: { initialLearningRate: 0.2, initialNoiseFactor: 0, numSteps: 600 } });
    expect(settings?.resolve({ ...base, wPlus: true }, cmd)).toMatchObject({ options: { wPlus: true } });
    cmd.parseOptions(['--w-plus']);
    expect(cmd.opts()).toMatchObject({ wPlus: true });
  });

  it('names --network when the network does not exist', async () => {
    await expect(
      projectCommand().parseAsync(['--network', '/nonexistent/net.ckpt', '--target', 'face.png'], {
        from: 'user',
      }),
    ).rejects.toThrow(/^--network \/nonexistent\/net.ckpt: no such checkpoint/);
  });

  it('names the download and the converter when --vgg16 is missing', async () => {
    const { ckpt, targetPng } = await tinyNetworkAndTarget();
    await expect(
      projectCommand().parseAsync(
        ['--network', ckpt, '--target', targetPng, '--backend', 'wasm', '--vgg16', '/nonexistent/v.npz'],
        { from: 'user' },
      ),
    ).rejects.toThrow(/--vgg16 \/nonexistent\/v\.npz.*vgg16\.pt \(sha256 b437eb09.*convert-vgg16\.py/);
  });

  it('refuses a learning rate ≤ 0 naming the flag', () => {
    const cmd = projectCommand();
    expect(() =>
      settingsOf(cmd)?.resolve({ network: 'x.ckpt', target: 'face.png', initialLearningRate: 0 }, cmd),
    ).toThrow(/--initial-learning-rate/);
  });
});
