import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatNpyArray } from '@portrait-forge/metrics';
import { describeWithTorch } from '@portrait-forge/test-support';
import { initTf } from '@portrait-forge/tf-runtime';
import { Generator, stylegan2Config } from '@portrait-forge/stylegan2';
import { latentsForSeeds } from './latents';
import { project, type ProjectStep } from './projector';
import { loadVgg16Lpips, type Vgg16Lpips } from './vgg16-lpips';

const CONVERTER = join(__dirname, '..', '..', '..', '..', 'tools', 'scripts', 'convert-vgg16.py');

/** Smooth pattern plus noise in 0–255, NCHW, and a perturbed copy: an image pair LPIPS tells apart. */
function imagePair(seed: number, size: number, channels: 1 | 3): [Float32Array, Float32Array] {
  const a = new Float32Array(channels * size * size);
  const b = new Float32Array(a.length);
  let s = seed;
  const rand = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let i = 0; i < a.length; i++) {
    const x = i % size;
    const y = Math.floor(i / size) % size;
    a[i] = Math.max(0, Math.min(255, 128 + 90 * Math.sin(x / 5 + y / 7 + seed) + 30 * (rand() - 0.5)));
    b[i] = Math.max(0, Math.min(255, a[i] + 60 * (rand() - 0.5)));
  }
  return [a, b];
}

describe('loadVgg16Lpips', () => {
  it('names the download and the converter when the converted file is missing', async () => {
    const { tf } = await initTf({ backend: 'cpu', log: () => undefined });
    await expect(loadVgg16Lpips(tf, '/nonexistent/vgg16-lpips.npz')).rejects.toThrow(
      /--vgg16 .*vgg16-lpips\.npz.*metrics\/vgg16\.pt \(sha256 b437eb09.*convert-vgg16\.py --vgg16 vgg16\.pt/,
    );
  });
});

describeWithTorch(
  'VGG16 LPIPS parity with the TorchScript module (random weights, vgg16.pt’s layout)',
  (python) => {
    const dir = mkdtempSync(join(tmpdir(), 'vgg16-parity-'));
    const model = join(dir, 'vgg16-test.pt');
    const npz = join(dir, 'vgg16-lpips.npz');
    let lpips: Vgg16Lpips;
    let tf: Awaited<ReturnType<typeof initTf>>['tf'];
    const run = (...args: string[]) =>
      execFileSync('nice', ['-n', '10', python, CONVERTER, ...args], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });

    beforeAll(async () => {
      run('make-test-model', model, '5');
      expect(() => run('--vgg16', model, '--out', npz)).toThrow(/not projector\.py's vgg16\.pt/);
      run('--vgg16', model, '--out', npz, '--allow-unpinned');
      ({ tf } = await initTf({ backend: 'wasm', log: () => undefined }));
      lpips = await loadVgg16Lpips(tf, npz);
    }, 300000);
    afterAll(() => lpips?.dispose());

    it.each([
      [32, 3],
      [64, 3],
      [32, 1],
    ] as const)('gives the module’s distance at %i px, %i channel(s) (rel. < 1e-4)', (size, channels) => {
      const pairs = [imagePair(1, size, channels), imagePair(2, size, channels)];
      // The module takes RGB 0–255 NCHW (gray repeated, as our loss does it); we take NHWC [-1, 1].
      const rgb = (x: Float32Array) =>
        channels === 3 ? x : Float32Array.from({ length: 3 * x.length }, (_, i) => x[i % x.length]);
      const side = (k: 0 | 1) => {
        const file = join(dir, `${size}-${channels}-${k}.npy`);
        const data = new Float32Array(pairs.length * 3 * size * size);
        pairs.forEach((p, i) => data.set(rgb(p[k]), i * 3 * size * size));
        writeFileSync(file, formatNpyArray([pairs.length, 3, size, size], data));
        return file;
      };
      const reference = JSON.parse(run('distances', model, side(0), side(1))) as number[];
      const nhwc = (x: Float32Array) =>
        tf.tidy(() =>
          tf.tensor4d(x, [1, channels, size, size]).transpose([0, 2, 3, 1]).div(127.5).sub(1),
        ) as import('@tensorflow/tfjs').Tensor4D;
      const ours = pairs.map(([a, b]) => {
        const [ta, tb] = [nhwc(a), nhwc(b)];
        const d = lpips.distance(tf, ta, tb).dataSync()[0];
        ta.dispose();
        tb.dispose();
        return d;
      });
      console.log(
        `vgg16-lpips ${size}px ${channels}ch: ours ${ours.map((d) => d.toFixed(6))} vs module ${reference.map((d) => d.toFixed(6))}`,
      );
      for (let i = 0; i < ours.length; i++) {
        expect(reference[i]).toBeGreaterThan(0);
        expect(Math.abs(ours[i] - reference[i]) / reference[i]).toBeLessThan(1e-4);
      }
    });

    it('drives the projector: its gradients flow back into w (LPIPS falls over 60 steps)', () => {
      const config = stylegan2Config('small', { resolution: 16, channels: 3 });
      const G = new Generator(config, 1);
      const target = tf.tidy(() =>
        G.synthesize(G.map(tf.tensor2d(latentsForSeeds([7], config.zDim), [1, config.zDim])), {
          noiseMode: 'const',
        }),
      );
      const steps: ProjectStep[] = [];
      project(tf, G, target, { numSteps: 60, wAvgSamples: 500 }, lpips, (s) => steps.push(s));
      const first = steps[0].distance;
      const last = steps[steps.length - 1].distance;
      console.log(
        `projector with vgg16-lpips (random VGG weights), 16 px: LPIPS ${first.toFixed(4)} → ${last.toFixed(4)}`,
      );
      expect(last).toBeLessThan(first * 0.7);
      target.dispose();
      G.dispose();
    }, 300000);
  },
);
