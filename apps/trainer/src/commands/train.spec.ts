import { initTf, resetTfRuntimeForTests } from '@portrait-forge/tf-runtime';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trainCommand, trainRequest } from './train';

const options = (flags: Record<string, unknown>) => trainRequest(flags).options;

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
    const o = options({ data: 'imgs', gray: true, batch: 16, gamma: 0.5, backend: 'wasm', res: 64 });
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
    expect(options({ data: 'imgs' })).toEqual(
      expect.objectContaining({ resolution: 256, channels: 3, kimg: 25000 }),
    );
    expect(() => options({})).toThrow(/--manifest PATH .* --data DIR\|ZIP/);
    expect(() => options({ data: 'a', manifest: 'b' })).toThrow(/either --manifest or --data/);
    expect(() => options({ data: 'a', cfg: 'huge' })).toThrow(/--cfg \(cfg\) = "huge": .*paper256/);
    expect(() => options({ data: 'a', backend: 'cuda' })).toThrow(/--backend \(backend\) = "cuda": .*wasm/);
    expect(() => options({ data: 'a', target: 1.5 })).toThrow(
      /--target \(target\) = 1.5: must lie in \(0, 1\); SG2-ADA uses 0.6/,
    );
  });

  it('takes a --config preset, with flags winning and unknown keys named', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pf-train-cli-'));
    const preset = join(dir, 'p.json');
    writeFileSync(preset, JSON.stringify({ resolution: 32, channels: 1, kimg: 60, data: 'faces' }));
    expect(options({ config: preset, kimg: 5 })).toEqual(
      expect.objectContaining({ resolution: 32, channels: 1, kimg: 5, data: 'faces' }),
    );
    writeFileSync(preset, JSON.stringify({ res: 32 }));
    expect(() => options({ config: preset })).toThrow(
      /p\.json: unknown option\(s\) res; known: manifest, data/,
    );
    writeFileSync(preset, JSON.stringify({ resolution: 48, data: 'x' }));
    expect(() => options({ config: preset })).toThrow(/--res \(resolution\) = 48: must be a power of two/);
    expect(() => options({ config: join(dir, 'missing.json') })).toThrow(/not a readable JSON file/);
  });

  it('the smoke preset in apps/trainer/configs is valid', () => {
    const o = options({ config: join(__dirname, '../../configs/smoke-32-gray.json'), data: 'faces' });
    expect(o).toEqual(
      expect.objectContaining({ cfg: 'small', resolution: 32, channels: 1, metrics: 'face128' }),
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
      backend: options({ data: 'x' }).backend,
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
        backend: options({ data: 'x', backend: 'tfjs-node-gpu' }).backend,
        requireModule: (id) => {
          throw new Error(`Cannot find module '${id}'`);
        },
        log: () => undefined,
      }),
    ).rejects.toThrow(/tfjs-node-gpu: not installed/);
  });
});
