import { initTf, resetTfRuntimeForTests } from '@portrait-forge/tf-runtime';
import { toTrainOptions, trainCommand } from './train';

const base = {
  outdir: 'data/x',
  cfg: 'auto',
  res: 64,
  gray: false,
  kimg: 10,
  tick: 4,
  mirror: false,
  aug: 'ada' as const,
  p: 0,
  target: 0.6,
  adaKimg: 500,
  snap: 50,
  seed: 0,
  backend: 'auto',
  grid: [8, 8] as [number, number],
  workers: 4,
  metrics: 'none',
  metricsImages: 100,
};

describe('trainer train CLI', () => {
  it('documents every option of the issue in --help', () => {
    const help = trainCommand().helpInformation();
    for (const flag of [
      '--manifest',
      '--data',
      '--outdir',
      '--cfg',
      '--res',
      '--batch',
      '--kimg',
      '--gamma',
      '--lr',
      '--mirror',
      '--aug',
      '--target',
      '--snap',
      '--resume',
      '--seed',
      '--backend',
      '--gray',
    ]) {
      expect(help).toContain(flag);
    }
  });

  it('parses flags into train options and names bad input with the fix', () => {
    const o = toTrainOptions({ ...base, data: 'imgs', gray: true, batch: 16, gamma: 0.5, backend: 'wasm' });
    expect(o).toEqual(
      expect.objectContaining({
        data: 'imgs',
        channels: 1,
        batch: 16,
        gamma: 0.5,
        backend: 'wasm',
        resolution: 64,
      }),
    );
    expect(() => toTrainOptions({ ...base })).toThrow(/--manifest PATH .* --data DIR\|ZIP/);
    expect(() => toTrainOptions({ ...base, data: 'a', manifest: 'b' })).toThrow(
      /either --manifest or --data/,
    );
    expect(() => toTrainOptions({ ...base, data: 'a', cfg: 'huge' })).toThrow(
      /--cfg huge is unknown; use one of .*paper256/,
    );
    expect(() => toTrainOptions({ ...base, data: 'a', backend: 'cuda' })).toThrow(
      /--backend cuda is unknown/,
    );
    expect(() => toTrainOptions({ ...base, data: 'a', target: 1.5 })).toThrow(
      /--target must lie in \(0, 1\)/,
    );
  });

  it('rejects a non power-of-two resolution at parse time', async () => {
    const cmd = trainCommand()
      .exitOverride()
      .configureOutput({ writeErr: () => undefined });
    await expect(cmd.parseAsync(['node', 'train', '--data', 'x', '--res', '100'])).rejects.toThrow(
      /power of two/,
    );
  });
});

describe('backend selection for --backend (optional modules mocked)', () => {
  afterEach(() => resetTfRuntimeForTests());

  const tfjsNodeGpu = (id: string): unknown => {
    if (id === '@tensorflow/tfjs-node-gpu') {
      // What tfjs-node-gpu does when CUDA loads: register the `tensorflow` backend (stood in for by cpu).
      const tf = require('@tensorflow/tfjs');
      if (!tf.findBackendFactory('tensorflow'))
        tf.registerBackend('tensorflow', tf.findBackendFactory('cpu'), 5);
      return {};
    }
    if (id === '@tensorflow/tfjs-backend-wasm') return require(id);
    throw new Error(`Cannot find module '${id}'`);
  };

  it('auto picks tfjs-node-gpu when it is installed', async () => {
    const rt = await initTf({
      backend: toTrainOptions({ ...base, data: 'x' }).backend,
      requireModule: tfjsNodeGpu,
      log: () => undefined,
    });
    expect(rt.choice).toBe('tfjs-node-gpu');
    expect(rt.backendName).toBe('tensorflow');
  });

  it('auto falls back to wasm when the node bindings are absent, and says why', async () => {
    const lines: string[] = [];
    const rt = await initTf({
      backend: 'auto',
      requireModule: (id) => {
        if (id.startsWith('@tensorflow/tfjs-node')) throw new Error(`Cannot find module '${id}'`);
        return require(id);
      },
      log: (l) => lines.push(l),
    });
    expect(rt.choice).toBe('wasm');
    expect(lines[0]).toMatch(
      /backend: wasm \(not used: tfjs-node-gpu: not installed; tfjs-node: not installed\)/,
    );
  });

  it('--backend tfjs-node-gpu without the module fails with the reason instead of silently using the CPU', async () => {
    await expect(
      initTf({
        backend: toTrainOptions({ ...base, data: 'x', backend: 'tfjs-node-gpu' }).backend,
        requireModule: (id) => {
          throw new Error(`Cannot find module '${id}'`);
        },
        log: () => undefined,
      }),
    ).rejects.toThrow(/tfjs-node-gpu: not installed/);
  });
});
