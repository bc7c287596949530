import { availableParallelism } from 'node:os';
import { defaultThreads, initTf, resetTfRuntimeForTests } from './backend';
import { floatValue, writeOnnxModel } from './onnx-model';
import { ortConvThreads } from './ort-conv-kernels';

describe('initTf', () => {
  afterEach(() => resetTfRuntimeForTests());

  it('falls through absent optional modules to wasm and says why', async () => {
    const lines: string[] = [];
    const rt = await initTf({ backend: 'auto', ortConv: false, log: (l) => lines.push(l) });
    expect(rt.backendName).toBe('wasm');
    expect(lines[0]).toMatch(
      /^backend: wasm \(not used: tfjs-node-gpu: not installed; tfjs-node: not installed\)/,
    );
    const y = rt.tf.conv2d(
      rt.tf.ones([2, 4, 4, 1]) as import('@tensorflow/tfjs').Tensor4D,
      rt.tf.ones([3, 3, 1, 1]) as import('@tensorflow/tfjs').Tensor4D,
      1,
      'same',
    );
    expect(Array.from(await y.data()).slice(0, 4)).toEqual([4, 6, 6, 4]);
    // The training shims are installed with wasm.
    expect(rt.tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined();
    expect(rt.tf.getGradient('Greater')).toBeDefined();
  });

  it('uses tfjs-node-gpu when its module loads (mocked present)', async () => {
    const loaded: string[] = [];
    const rt = await initTf({
      backend: 'auto',
      log: () => undefined,
      requireModule: (id) => {
        loaded.push(id);
        if (id === '@tensorflow/tfjs-node-gpu') {
          // What tfjs-node-gpu does on load: register a `tensorflow` backend.
          const tf = require('@tensorflow/tfjs');
          const cpu = tf.findBackendFactory('cpu');
          tf.registerBackend('tensorflow', cpu, 5);
          return {};
        }
        throw new Error(`Cannot find module '${id}'`);
      },
    });
    expect(rt.choice).toBe('tfjs-node-gpu');
    expect(rt.backendName).toBe('tensorflow');
    expect(loaded).toEqual(['@tensorflow/tfjs-node-gpu']);
  });

  it('falls to tfjs-node when only the GPU module fails to load, and logs why', async () => {
    const lines: string[] = [];
    const rt = await initTf({
      backend: 'auto',
      log: (l) => lines.push(l),
      requireModule: (id) => {
        if (id === '@tensorflow/tfjs-node-gpu')
          throw new Error('libcudart.so.11.0: cannot open shared object file');
        if (id === '@tensorflow/tfjs-node') {
          const tf = require('@tensorflow/tfjs');
          if (!tf.findBackendFactory('tensorflow'))
            tf.registerBackend('tensorflow', tf.findBackendFactory('cpu'), 5);
          return {};
        }
        throw new Error(`Cannot find module '${id}'`);
      },
    });
    expect(rt.choice).toBe('tfjs-node');
    expect(lines).toEqual([
      'backend: tfjs-node (not used: tfjs-node-gpu: libcudart.so.11.0: cannot open shared object file)',
    ]);
  });

  it('honours PORTRAIT_FORGE_BACKEND and reports a forced backend that cannot load', async () => {
    process.env['PORTRAIT_FORGE_BACKEND'] = 'cpu';
    try {
      const rt = await initTf({ log: () => undefined });
      expect(rt.backendName).toBe('cpu');
      resetTfRuntimeForTests();
      process.env['PORTRAIT_FORGE_BACKEND'] = 'tfjs-node-gpu';
      await expect(
        initTf({
          log: () => undefined,
          requireModule: (id) => {
            throw new Error(`Cannot find module '${id}'`);
          },
        }),
      ).rejects.toThrow(/No tfjs backend could be initialised: tfjs-node-gpu: not installed/);
    } finally {
      delete process.env['PORTRAIT_FORGE_BACKEND'];
    }
  });

  it('rejects an unknown backend name with the fix', async () => {
    await expect(initTf({ backend: 'cuda' as never })).rejects.toThrow(
      /Unknown tfjs backend "cuda".*use one of auto/,
    );
  });

  describe('onnxruntime conv kernels', () => {
    afterEach(() => {
      delete process.env['PORTRAIT_FORGE_THREADS'];
      delete process.env['PORTRAIT_FORGE_ORT_CONV'];
    });

    it('reports them with their thread count (env PORTRAIT_FORGE_ORT_CONV / PORTRAIT_FORGE_THREADS)', async () => {
      process.env['PORTRAIT_FORGE_ORT_CONV'] = '1';
      process.env['PORTRAIT_FORGE_THREADS'] = '1';
      const lines: string[] = [];
      const rt = await initTf({ backend: 'wasm', log: (l) => lines.push(l) });
      // The NCHWc block is the CPU's (x64: 8 or 16; none elsewhere).
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(
        /^backend: wasm \+ onnxruntime conv kernels \(1 thread(, NCHWc blocks of (8|16))?\)$/,
      );
      if (process.arch === 'x64') expect(lines[0]).toContain('NCHWc blocks of');
      expect(rt.ortConvThreads).toBe(1);
      expect(ortConvThreads()).toBe(1);
      // A later call asking for another thread count reconfigures them and says so.
      await initTf({ threads: 2, log: (l) => lines.push(l) });
      expect(lines[1]).toMatch(
        /^backend: wasm \+ onnxruntime conv kernels \(2 threads(, NCHWc blocks of (8|16))?\)$/,
      );
      expect(ortConvThreads()).toBe(2);
      // They are process-wide: a later `ortConv: false` cannot take them away, and says so.
      await initTf({ ortConv: false, log: (l) => lines.push(l) });
      expect(lines[2]).toBe(
        'backend: onnxruntime conv kernels stay on (an earlier initTf in this process turned them on)',
      );
      expect(ortConvThreads()).toBe(2);
    });

    it('stays off when the first call said so, whatever later default calls say', async () => {
      await initTf({ backend: 'wasm', ortConv: false, log: () => undefined });
      const rt = await initTf({ log: () => undefined });
      expect(rt.ortConvThreads).toBeUndefined();
      expect(ortConvThreads()).toBeUndefined();
    });

    it('defaults to the cores this process may use', async () => {
      const rt = await initTf({ backend: 'wasm', ortConv: true, log: () => undefined });
      expect(rt.ortConvThreads).toBe(availableParallelism());
    });

    it('uses one thread per worker thread by default', () => {
      expect(defaultThreads(false)).toBe(1);
      expect(defaultThreads(true)).toBe(availableParallelism());
    });

    it('can run onnxruntime-node synchronously inside a worker thread (curation workers)', async () => {
      const { Worker } = await import('node:worker_threads');
      // Plain JS: the worker has no TypeScript transform. The same calls as ort-binding.ts.
      const script = `
        const { parentPort, workerData } = require('node:worker_threads');
        const { binding, initOrt } = require(workerData.binding);
        const { Tensor } = require(workerData.ort);
        initOrt();
        const session = new binding.InferenceSession();
        const model = Uint8Array.from(workerData.model);
        session.loadModel(model.buffer, 0, model.length, { intraOpNumThreads: 1 });
        const out = new Float32Array(2);
        session.run({ x: new Tensor('float32', Float32Array.of(1, 2), [2]) }, { y: new Tensor('float32', out, [2]) }, {});
        parentPort.postMessage(Array.from(out));`;
      const model = writeOnnxModel('worker spec', {
        name: 'neg',
        input: [floatValue('x', [2])],
        output: [floatValue('y', [2])],
        node: [{ opType: 'Neg', input: ['x'], output: ['y'] }],
      });
      const workerData = {
        binding: require.resolve('onnxruntime-node/dist/binding'),
        ort: require.resolve('onnxruntime-node'),
        model: Array.from(model),
      };
      const answer = await new Promise((resolve, reject) => {
        const worker = new Worker(script, { eval: true, workerData });
        worker.once('message', resolve);
        worker.once('error', reject);
      });
      expect(answer).toEqual([-1, -2]);
    });

    it('falls back to plain wasm and says why when onnxruntime-node cannot load', async () => {
      const lines: string[] = [];
      const rt = await initTf({
        backend: 'wasm',
        ortConv: true,
        log: (l) => lines.push(l),
        requireModule: (id) => {
          if (id.startsWith('onnxruntime-node'))
            throw new Error('libonnxruntime.so.1: cannot open shared object file');
          return require(id);
        },
      });
      expect(lines).toEqual([
        'backend: wasm (onnxruntime conv kernels not used: libonnxruntime.so.1: cannot open shared object file)',
      ]);
      expect(rt.ortConvThreads).toBeUndefined();
      expect(ortConvThreads()).toBeUndefined();
    });

    it('leaves tfjs-node in charge when it loads', async () => {
      const lines: string[] = [];
      const rt = await initTf({
        backend: 'auto',
        ortConv: true,
        log: (l) => lines.push(l),
        requireModule: (id) => {
          if (id === '@tensorflow/tfjs-node') {
            const tf = require('@tensorflow/tfjs');
            if (!tf.findBackendFactory('tensorflow'))
              tf.registerBackend('tensorflow', tf.findBackendFactory('cpu'), 5);
            return {};
          }
          throw new Error(`Cannot find module '${id}'`);
        },
      });
      expect(rt.choice).toBe('tfjs-node');
      expect(rt.ortConvThreads).toBeUndefined();
      expect(lines[0]).toMatch(/^backend: tfjs-node /);
    });

    it('rejects bad settings naming the option', async () => {
      process.env['PORTRAIT_FORGE_THREADS'] = 'two';
      await expect(initTf({ backend: 'wasm', ortConv: true })).rejects.toThrow(
        /^Thread count must be a whole number ≥ 1 \(--threads or PORTRAIT_FORGE_THREADS\), got "two"/,
      );
      process.env['PORTRAIT_FORGE_ORT_CONV'] = 'yes';
      await expect(initTf({ backend: 'wasm' })).rejects.toThrow(
        /^PORTRAIT_FORGE_ORT_CONV must be 1 or 0, got "yes"/,
      );
    });
  });
});
