import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { floatValue, writeOnnxModel } from './onnx-model';
import { loadOrtRuntime, ORT_NODE_VERSION } from './ort-binding';

/** The onnxruntime-node internal the conv kernels rely on; an upgrade that moves it must fail here. */

const addModel = () =>
  writeOnnxModel('ort-binding spec', {
    name: 'add',
    input: [floatValue('a', [2, 3]), floatValue('b', [2, 3])],
    output: [floatValue('sum', [2, 3])],
    node: [{ opType: 'Add', input: ['a', 'b'], output: ['sum'] }],
  });

describe('onnxruntime-node synchronous binding', () => {
  it('is pinned to exactly the version the wrapper was written against', () => {
    const pkg = JSON.parse(readFileSync(join(__dirname, '../../../../package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    expect(pkg.dependencies['onnxruntime-node']).toBe(ORT_NODE_VERSION);
    expect((require('onnxruntime-node/package.json') as { version: string }).version).toBe(ORT_NODE_VERSION);
  });

  it('runs a session synchronously and writes into the given output buffer in place', () => {
    const ort = loadOrtRuntime();
    const session = ort.createSession(addModel(), { intraOpNumThreads: 1 });
    const out = new Float32Array(6);
    let done = false;
    session.run(
      {
        a: ort.tensor(Float32Array.of(1, 2, 3, 4, 5, 6), [2, 3]),
        b: ort.tensor(new Float32Array(6).fill(10), [2, 3]),
      },
      { sum: ort.tensor(out, [2, 3]) },
    );
    done = true; // no await above: the result is there on return
    expect(done).toBe(true);
    expect(Array.from(out)).toEqual([11, 12, 13, 14, 15, 16]);
    session.dispose();
  });

  it('names the version when another onnxruntime-node is installed', () => {
    const requireModule = (id: string) =>
      id === 'onnxruntime-node/package.json' ? { version: '9.9.9' } : require(id);
    expect(() => loadOrtRuntime(requireModule)).toThrow(
      /onnxruntime-node 9\.9\.9 is installed .* install onnxruntime-node@1\.30\.0/,
    );
  });

  it('fails loudly when dist/binding no longer exports the session', () => {
    const requireModule = (id: string) => (id === 'onnxruntime-node/dist/binding' ? {} : require(id));
    expect(() => loadOrtRuntime(requireModule)).toThrow(/no longer exports binding\.InferenceSession/);
  });
});
