import { initTf, resetTfRuntimeForTests } from '@portrait-forge/tf-runtime';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
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
      '--glr',
      '--dlr',
      '--lr-steps',
      '--gamma-steps',
      '--mixing',
      '--noconst',
      '--on-alert',
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

  it("the scaled presets carry seed 004's recipes, each number with its source", () => {
    const preset = (name: string) =>
      options({ config: join(__dirname, `../../configs/scaled-${name}.json`), data: 'faces' });
    expect(preset('M')).toEqual(
      expect.objectContaining({
        cfg: 'M',
        glr: 0.001,
        dlr: 0.002,
        lrSteps: [
          [10000, 0.1],
          [20000, 0.01],
        ],
        gamma: 10,
        gammaSteps: [[20000, 5]],
        mirror: true,
        aug: 'diffaug',
      }),
    );
    expect(preset('L')).toEqual(expect.objectContaining({ cfg: 'L', lr: 0.002, gamma: 5, mixing: 0 }));
    for (const name of ['XL', 'XXL'])
      expect(preset(name)).toEqual(
        expect.objectContaining({ cfg: name, lr: 0.0015, lrSteps: [[6000, 0.1]], gamma: 6, mixing: 0 }),
      );
    for (const name of ['M', 'L', 'XL', 'XXL']) {
      const json = JSON.parse(
        readFileSync(join(__dirname, `../../configs/scaled-${name}.json`), 'utf8'),
      ) as Record<string, unknown>;
      const unexplained = Object.keys(json).filter((k) => !k.startsWith('$') && !(`$comment:${k}` in json));
      expect({ name, unexplained }).toEqual({ name, unexplained: [] });
    }
  });

  it('mentions that mixed precision is not available in TF.js', () => {
    expect(trainCommand().helpInformation()).toMatch(/num_fp16_res.*not\s+available\s+in\s+TensorFlow\.js/s);
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
