import { initTf, resetTfRuntimeForTests } from './backend';

describe('initTf', () => {
  afterEach(() => resetTfRuntimeForTests());

  it('falls through absent optional modules to wasm and says why', async () => {
    const lines: string[] = [];
    const rt = await initTf({ backend: 'auto', log: (l) => lines.push(l) });
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

  it('rejects an unknown backend name with the fix', async () => {
    await expect(initTf({ backend: 'cuda' as never })).rejects.toThrow(
      /Unknown tfjs backend "cuda".*use one of auto/,
    );
  });
});
