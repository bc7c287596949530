import type * as tfType from '@tensorflow/tfjs';
import { initTf, resetTfRuntimeForTests } from './backend';
import { makeRng, normals } from './gradient-check';
import { createGraphRunner, ortNetsRequested, type GraphOutput } from './graph-runner';
import { OP_CONVERTERS, permute, tfjsGraphToOnnx } from './tfjs-to-onnx';

/**
 * Each converted op in a one-op tfjs graph model (built from a GraphDef-style JSON, as the
 * converter sees the curation nets), run by tfjs-wasm and by onnxruntime, element by element.
 */

let tf: typeof tfType;

beforeAll(async () => {
  resetTfRuntimeForTests();
  tf = (await initTf({ backend: 'wasm', ortConv: false, log: () => undefined })).tf;
});

type Attr = Record<string, unknown>;
const ints = (...i: number[]): Attr => ({ list: { i: i.map(String) } });
const str = (s: string): Attr => ({ s: Buffer.from(s).toString('base64') });
const strs = (...s: string[]): Attr => ({ list: { s: s.map((x) => Buffer.from(x).toString('base64')) } });
const FLOAT_T = { type: 'DT_FLOAT' };

interface Weight {
  name: string;
  shape: number[];
  dtype?: 'float32' | 'int32';
  /** Int weights (shapes, paddings); floats are random normals. */
  values?: number[];
}

interface OpCase {
  name: string;
  input: number[];
  /** Nodes after the placeholder `x`; the last one's output is the model's. */
  nodes: { name: string; op: string; input: string[]; attr?: Record<string, Attr> }[];
  weights?: Weight[];
}

const window = (strides: number, padding: string, extra: Record<string, Attr> = {}) => ({
  strides: ints(1, strides, strides, 1),
  padding: str(padding),
  data_format: str('NHWC'),
  dilations: ints(1, 1, 1, 1),
  ...extra,
});

const conv = (name: string, input: number[], filter: number[], attr: Record<string, Attr>): OpCase => ({
  name,
  input,
  nodes: [{ name: 'y', op: 'Conv2D', input: ['x', 'w'], attr }],
  weights: [{ name: 'w', shape: filter }],
});

const depthwise = (name: string, input: number[], filter: number[], attr: Record<string, Attr>): OpCase => ({
  ...conv(name, input, filter, attr),
  nodes: [{ name: 'y', op: 'DepthwiseConv2dNative', input: ['x', 'w'], attr }],
});

const fused = (activation: string[], op = '_FusedConv2D', multiplier = 4): OpCase => ({
  name: `${op} BiasAdd${activation.map((a) => `+${a}`).join('')}`,
  input: [1, 9, 7, 3],
  nodes: [
    {
      name: 'y',
      op,
      input: ['x', 'w', 'b', ...(activation[0] === 'Prelu' ? ['alpha'] : [])],
      attr: {
        ...window(2, 'SAME'),
        fused_ops: strs('BiasAdd', ...activation),
        num_args: { i: activation[0] === 'Prelu' ? '2' : '1' },
        epsilon: { f: 0 },
        leakyrelu_alpha: { f: 0.2 },
      },
    },
  ],
  weights: [
    { name: 'w', shape: [3, 3, 3, op === '_FusedConv2D' ? 4 : 1] },
    { name: 'b', shape: [op === '_FusedConv2D' ? 4 : 3] },
    ...(activation[0] === 'Prelu' ? [{ name: 'alpha', shape: [1, 1, multiplier] }] : []),
  ],
});

const unaryCase = (op: string): OpCase => ({
  name: op,
  input: [1, 5, 4, 3],
  nodes: [{ name: 'y', op, input: ['x'] }],
});

const binary = (name: string, op: string, constShape: number[]): OpCase => ({
  name,
  input: [1, 5, 4, 3],
  nodes: [{ name: 'y', op, input: ['x', 'c'] }],
  weights: [{ name: 'c', shape: constShape }],
});

const pool = (op: string, k: number, s: number, padding: string, input: number[]): OpCase => ({
  name: `${op} ${k}×${k} stride ${s} ${padding}`,
  input,
  nodes: [{ name: 'y', op, input: ['x'], attr: { ...window(s, padding), ksize: ints(1, k, k, 1) } }],
});

const resize = (name: string, size: [number, number], alignCorners: boolean, halfPixel: boolean): OpCase => ({
  name,
  input: [1, 5, 6, 2],
  nodes: [
    {
      name: 'y',
      op: 'ResizeBilinear',
      input: ['x', 'size'],
      attr: { align_corners: { b: alignCorners }, half_pixel_centers: { b: halfPixel } },
    },
  ],
  weights: [{ name: 'size', shape: [2], dtype: 'int32', values: size }],
});

const transposeConv = (
  name: string,
  out: number[],
  dy: number[],
  k: number,
  s: number,
  padding: string,
): OpCase => ({
  name,
  input: dy,
  nodes: [{ name: 'y', op: 'Conv2DBackpropInput', input: ['sizes', 'w', 'x'], attr: window(s, padding) }],
  weights: [
    { name: 'sizes', shape: [4], dtype: 'int32', values: out },
    { name: 'w', shape: [k, k, out[3], dy[3]] },
  ],
});

const CASES: OpCase[] = [
  conv('Conv2D 3×3 stride 1 SAME, odd sizes', [1, 7, 9, 3], [3, 3, 3, 4], window(1, 'SAME')),
  conv('Conv2D 3×3 stride 2 SAME, even sizes', [1, 8, 6, 3], [3, 3, 3, 4], window(2, 'SAME')),
  conv('Conv2D 5×3 stride 2 SAME, odd sizes', [1, 9, 7, 2], [5, 3, 2, 3], window(2, 'SAME')),
  conv('Conv2D 3×3 VALID', [1, 7, 6, 3], [3, 3, 3, 2], window(1, 'VALID')),
  conv('Conv2D 1×1', [1, 4, 5, 6], [1, 1, 6, 3], window(1, 'SAME')),
  conv('Conv2D 3×3 dilation 2 SAME', [1, 9, 8, 2], [3, 3, 2, 2], {
    ...window(1, 'SAME'),
    dilations: ints(1, 2, 2, 1),
  }),
  conv('Conv2D EXPLICIT padding', [1, 6, 6, 2], [3, 3, 2, 2], {
    ...window(1, 'EXPLICIT'),
    explicit_paddings: ints(0, 0, 1, 2, 0, 1, 0, 0),
  }),
  depthwise('DepthwiseConv2dNative 3×3 stride 1 SAME', [1, 7, 6, 4], [3, 3, 4, 1], window(1, 'SAME')),
  depthwise(
    'DepthwiseConv2dNative 5×5 stride 2 SAME, multiplier 2',
    [1, 9, 8, 3],
    [5, 5, 3, 2],
    window(2, 'SAME'),
  ),
  fused([]),
  fused(['Relu']),
  fused(['Relu6']),
  fused(['Prelu']),
  fused(['LeakyRelu']),
  fused(['Relu'], 'FusedDepthwiseConv2dNative', 3),
  fused(['Prelu'], 'FusedDepthwiseConv2dNative', 3),
  transposeConv('Conv2DBackpropInput 2×2 stride 2 SAME (selfie)', [1, 8, 6, 2], [1, 4, 3, 3], 2, 2, 'SAME'),
  transposeConv(
    'Conv2DBackpropInput 3×3 stride 2 SAME, odd output',
    [1, 7, 9, 2],
    [1, 4, 5, 3],
    3,
    2,
    'SAME',
  ),
  transposeConv('Conv2DBackpropInput 3×3 stride 1 VALID', [1, 7, 6, 2], [1, 5, 4, 3], 3, 1, 'VALID'),
  pool('MaxPool', 2, 2, 'SAME', [1, 7, 6, 3]),
  pool('MaxPool', 2, 2, 'VALID', [1, 7, 6, 3]),
  pool('MaxPool', 3, 2, 'SAME', [1, 7, 8, 2]),
  pool('AvgPool', 3, 2, 'SAME', [1, 7, 8, 2]),
  pool('AvgPool', 4, 4, 'VALID', [1, 8, 8, 2]),
  {
    name: 'Pad (spatial and channels)',
    input: [1, 4, 5, 3],
    nodes: [{ name: 'y', op: 'Pad', input: ['x', 'p'] }],
    weights: [{ name: 'p', shape: [4, 2], dtype: 'int32', values: [0, 0, 1, 2, 0, 1, 0, 3] }],
  },
  {
    name: 'Reshape of a 4-D activation',
    input: [1, 4, 5, 6],
    nodes: [{ name: 'y', op: 'Reshape', input: ['x', 's'] }],
    weights: [{ name: 's', shape: [3], dtype: 'int32', values: [1, -1, 3] }],
  },
  {
    name: 'Conv2D of a 4-D Reshape output (NHWC back to NCHW)',
    input: [1, 4, 5, 6],
    nodes: [
      { name: 'r', op: 'Reshape', input: ['x', 's'] },
      { name: 'y', op: 'Conv2D', input: ['r', 'w'], attr: window(2, 'SAME') },
    ],
    weights: [
      { name: 's', shape: [4], dtype: 'int32', values: [1, 5, 4, 6] },
      { name: 'w', shape: [3, 3, 6, 2] },
    ],
  },
  binary('Add, bias [C]', 'Add', [3]),
  binary('AddV2, scalar', 'AddV2', []),
  binary('Mul, [1, 1, 1, C]', 'Mul', [1, 1, 1, 3]),
  binary('Mul, [H, W, C] (permuted constant)', 'Mul', [5, 4, 3]),
  binary('Sub, [C]', 'Sub', [3]),
  binary('Prelu, alpha [1, 1, C]', 'Prelu', [1, 1, 3]),
  {
    name: 'AddV2 and AddN of activations, broadcast [1, 1, 1, C]',
    input: [1, 4, 4, 3],
    nodes: [
      { name: 'r', op: 'Relu', input: ['x'] },
      { name: 'p', op: 'AvgPool', input: ['x'], attr: { ...window(4, 'VALID'), ksize: ints(1, 4, 4, 1) } },
      { name: 's', op: 'AddV2', input: ['x', 'r'] },
      { name: 'm', op: 'Mul', input: ['s', 'p'] },
      { name: 'y', op: 'AddN', input: ['m', 'r', 'x'], attr: { N: { i: '3' } } },
    ],
  },
  unaryCase('Relu'),
  unaryCase('Relu6'),
  unaryCase('Sigmoid'),
  resize('ResizeBilinear ×2 half_pixel_centers (selfie)', [10, 12], false, true),
  resize('ResizeBilinear down, half_pixel_centers', [3, 4], false, true),
  resize('ResizeBilinear up, align_corners', [9, 11], true, false),
  resize('ResizeBilinear up, default (asymmetric)', [8, 9], false, false),
];

/** The case as a tfjs graph model: placeholder `x`, the nodes, an Identity output. */
async function caseModel(c: OpCase, seed: number): Promise<tfType.GraphModel> {
  const rng = makeRng(seed);
  const weights = c.weights ?? [];
  const constNodes = weights.map((w) => ({
    name: w.name,
    op: 'Const',
    attr: { dtype: { type: w.dtype === 'int32' ? 'DT_INT32' : 'DT_FLOAT' }, value: { tensor: {} } },
  }));
  const placeholder = {
    name: 'x',
    op: 'Placeholder',
    attr: { dtype: FLOAT_T, shape: { shape: { dim: c.input.map((d) => ({ size: String(d) })) } } },
  };
  const last = c.nodes[c.nodes.length - 1].name;
  const node = [placeholder, ...constNodes, ...c.nodes, { name: 'out', op: 'Identity', input: [last] }];
  const data = weights.map((w) => {
    const n = w.shape.reduce((a, b) => a * b, 1);
    return w.dtype === 'int32' ? Int32Array.from(w.values ?? []) : normals(rng, n);
  });
  const weightData = new Uint8Array(data.reduce((a, d) => a + d.byteLength, 0));
  data.reduce((offset, d) => (weightData.set(new Uint8Array(d.buffer), offset), offset + d.byteLength), 0);
  const weightSpecs = weights.map((w) => ({ name: w.name, shape: w.shape, dtype: w.dtype ?? 'float32' }));
  return tf.loadGraphModel(
    tf.io.fromMemory({
      modelTopology: { node, versions: { producer: 1 } },
      weightSpecs,
      weightData: weightData.buffer,
    }),
  );
}

function maxDiff(a: GraphOutput, b: GraphOutput): number {
  let diff = 0;
  for (let i = 0; i < a.data.length; i++) diff = Math.max(diff, Math.abs(a.data[i] - b.data[i]));
  return diff;
}

describe('tfjsGraphToOnnx: each op, onnxruntime against tfjs-wasm', () => {
  it.each(CASES.map((c, i) => [c.name, c, i] as const))('%s', async (_name, c, i) => {
    const model = await caseModel(c, 100 + i);
    const input = normals(
      makeRng(i),
      c.input.reduce((a, b) => a * b, 1),
    );
    const expected = await createGraphRunner(tf, model, { name: c.name, preferOrt: false }).run(
      input,
      c.input,
    );
    const lines: string[] = [];
    const ort = createGraphRunner(tf, model, { name: c.name, preferOrt: true, log: (l) => lines.push(l) });
    expect(lines).toEqual([]);
    expect(ort.runtime).toBe('onnxruntime');
    const [got] = await ort.run(input, c.input);
    ort.dispose();
    model.dispose();
    expect(got.shape).toEqual(expected[0].shape);
    expect(maxDiff(got, expected[0])).toBeLessThan(1e-5);
  });

  it('covers every op it converts', () => {
    const tested = new Set(CASES.flatMap((c) => c.nodes.map((n) => n.op)));
    expect(Object.keys(OP_CONVERTERS).filter((op) => !tested.has(op))).toEqual(['Identity']);
  });

  it('names an op it cannot convert', async () => {
    const model = await caseModel(unaryCase('Tanh'), 1);
    expect(() => tfjsGraphToOnnx(model)).toThrow('op Tanh (y) is not supported');
  });

  it('falls back to tfjs, saying why, when onnxruntime-node cannot load', async () => {
    const relu = unaryCase('Relu');
    const model = await caseModel(relu, 1);
    const lines: string[] = [];
    const missing = (id: string) => {
      throw new Error(`Cannot find module '${id}'`);
    };
    const runner = createGraphRunner(tf, model, {
      name: 'relu',
      preferOrt: true,
      log: (l) => lines.push(l),
      requireModule: missing,
    });
    expect(runner.runtime).toBe('tfjs');
    expect(lines).toEqual([
      "relu: on tfjs (onnxruntime not used: Cannot find module 'onnxruntime-node/package.json')",
    ]);
    const input = normals(makeRng(2), 60);
    const [out] = await runner.run(input, relu.input);
    expect(Array.from(out.data)).toEqual(Array.from(input, (v) => Math.max(0, v)));
  });
});

describe('ortNetsRequested', () => {
  it('is the caller default unless PORTRAIT_FORGE_ORT_NETS says 1 or 0', () => {
    expect([ortNetsRequested(true, undefined), ortNetsRequested(false, '')]).toEqual([true, false]);
    expect([ortNetsRequested(false, '1'), ortNetsRequested(true, '0')]).toEqual([true, false]);
    expect(() => ortNetsRequested(true, 'yes')).toThrow('PORTRAIT_FORGE_ORT_NETS must be 1 or 0, got "yes"');
  });
});

describe('permute', () => {
  it('is numpy.transpose', () => {
    const data = Float32Array.from({ length: 24 }, (_, i) => i);
    const out = permute(data, [2, 3, 4], [2, 0, 1]);
    // out[k, i, j] = data[i, j, k]
    expect(out[1 * 6 + 1 * 3 + 2]).toBe(data[1 * 12 + 2 * 4 + 1]);
    expect(Array.from(permute(out, [4, 2, 3], [1, 2, 0]))).toEqual(Array.from(data));
  });
});
