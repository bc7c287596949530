import type * as tfjs from '@tensorflow/tfjs';
import { onnx } from 'onnx-proto';
import { floatValue, intAttribute, intsAttribute, OnnxGraphBuilder, writeOnnxModel } from './onnx-model';

/**
 * A whole tfjs graph model (the curation nets: BlazeFace, FaceMesh, MediaPipe selfie) as one ONNX
 * model, so onnxruntime runs it in one session instead of one tfjs-wasm kernel per op.
 *
 * Nodes and parsed attributes come from the loaded model's executor graph, weights from the loaded
 * model (float16-quantised weights arrive dequantised). 4-D activations stay NCHW inside (one
 * Transpose at the input, one before each Reshape and at each 4-D output), so the outputs equal
 * tfjs' NHWC outputs. Shapes are static (batch 1, the model's input size): 'SAME' padding becomes
 * explicit pads, as tfjs computes them (the extra row or column after).
 */

/** The executor graph's node as tfjs-converter parses it (strings lower-cased). */
export interface TfGraphNode {
  name: string;
  op: string;
  inputNames: string[];
  attrParams: Record<string, { value?: unknown }>;
}

interface TfGraph {
  nodes: Record<string, TfGraphNode>;
  placeholders: TfGraphNode[];
  outputs: TfGraphNode[];
}

export interface OnnxGraphModel {
  model: Uint8Array;
  input: { name: string; shape: number[] };
  /** In the order `GraphModel.execute` returns them (`model.outputNodes`), NHWC like tfjs'. */
  outputs: { name: string; shape: number[] }[];
}

/** An activation: its ONNX value and tfjs (NHWC) shape; `nchw` when 4-D and kept channels-first. */
interface Value {
  name: string;
  shape: number[];
  nchw: boolean;
}

const NHWC_TO_NCHW = [0, 3, 1, 2];
const NCHW_TO_NHWC = [0, 2, 3, 1];

class Converter extends OnnxGraphBuilder {
  private readonly values = new Map<string, Value>();

  constructor(private readonly weights: Record<string, tfjs.Tensor[]>) {
    super();
  }

  set(tfName: string, value: Value): void {
    this.values.set(tfName, value);
  }

  /** The activation named `tfName` (an earlier node's output). */
  value(tfName: string): Value {
    const value = this.values.get(baseName(tfName));
    if (!value) throw new Error(`tfjs→ONNX: ${tfName} is not an activation computed earlier`);
    return value;
  }

  isConst(tfName: string): boolean {
    return this.weights[baseName(tfName)] !== undefined;
  }

  constTensor(tfName: string): { shape: number[]; data: Float32Array | Int32Array } {
    const tensor = this.weights[baseName(tfName)]?.[0];
    if (!tensor) throw new Error(`tfjs→ONNX: ${tfName} is not a constant`);
    return { shape: tensor.shape, data: tensor.dataSync() as Float32Array | Int32Array };
  }

  constInts(tfName: string): number[] {
    return Array.from(this.constTensor(tfName).data);
  }

  /** A constant operand of an element-wise op: permuted to broadcast against NCHW when `nchw`. */
  operand(tfName: string, nchw: boolean): string {
    const { shape, data } = this.constTensor(tfName);
    const floats = Float32Array.from(data);
    if (!nchw || shape.length === 0) return this.floatConst(floats, shape, 'const');
    const nhwc = [...Array(4 - shape.length).fill(1), ...shape];
    return this.floatConst(permute(floats, nhwc, NHWC_TO_NCHW), permuteDims(nhwc, NHWC_TO_NCHW), 'const');
  }

  /** The 4-D activation `tfName` as NCHW (a 4-D Reshape output is NHWC until here). */
  image(tfName: string): Value {
    const value = this.value(tfName);
    if (value.nchw) return value;
    if (value.shape.length !== 4) throw new Error(`tfjs→ONNX: ${tfName} [${value.shape}] is not 4-D`);
    const name = this.add('Transpose', [value.name], [intsAttribute('perm', NHWC_TO_NCHW)], 'nchw');
    return { ...value, name, nchw: true };
  }

  /** `value` in tfjs' own layout (NHWC for 4-D). */
  nhwc(value: Value): string {
    if (!value.nchw) return value.name;
    return this.add('Transpose', [value.name], [intsAttribute('perm', NCHW_TO_NHWC)], 'nhwc');
  }
}

function baseName(tfName: string): string {
  const match = /^(.*):(\d+)$/.exec(tfName);
  if (match && match[2] !== '0') throw new Error(`tfjs→ONNX: output ${tfName} of a multi-output node`);
  return match ? match[1] : tfName;
}

/** `data` of shape `dims` transposed by `perm` (numpy.transpose). */
export function permute(data: Float32Array, dims: number[], perm: number[]): Float32Array {
  const outDims = permuteDims(dims, perm);
  const strides = dims.map((_, i) => dims.slice(i + 1).reduce((a, b) => a * b, 1));
  const out = new Float32Array(data.length);
  const index = new Array<number>(dims.length).fill(0);
  for (let o = 0; o < out.length; o++) {
    let source = 0;
    for (let d = 0; d < perm.length; d++) source += index[d] * strides[perm[d]];
    out[o] = data[source];
    for (let d = outDims.length - 1; d >= 0 && ++index[d] === outDims[d]; d--) index[d] = 0;
  }
  return out;
}

const permuteDims = (dims: number[], perm: number[]) => perm.map((p) => dims[p]);

function attr<T>(node: TfGraphNode, name: string): T {
  const value = node.attrParams[name]?.value;
  if (value === undefined) throw new Error(`tfjs→ONNX: ${node.op} ${node.name} has no ${name}`);
  return value as T;
}

interface Window {
  kernel: [number, number];
  strides: [number, number];
  dilations: [number, number];
}

/** [before, after] padding of one spatial axis, as tfjs pads 'same' (the odd row after), 'valid', 'explicit'. */
function axisPads(node: TfGraphNode, axis: number, size: number, span: number, stride: number): number[] {
  const pad = attr<string>(node, 'pad');
  if (pad === 'valid') return [0, 0];
  if (pad === 'explicit') {
    const explicit = attr<number[]>(node, 'explicitPaddings');
    return [explicit[2 * (axis + 1)], explicit[2 * (axis + 1) + 1]];
  }
  if (pad !== 'same') throw new Error(`tfjs→ONNX: ${node.op} padding "${pad}"`);
  return samePads(size, span, stride);
}

/** [before, after] padding of one axis of `size` for a window spanning `span`, as tfjs pads 'same'. */
export function samePads(size: number, span: number, stride: number): [number, number] {
  const total = Math.max((Math.ceil(size / stride) - 1) * stride + span - size, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

/** ONNX pads [top, left, bottom, right] and the output height and width of a window op on `inShape`. */
function windowPads(node: TfGraphNode, inShape: number[], w: Window): { pads: number[]; outHW: number[] } {
  const spans = [0, 1].map((a) => (w.kernel[a] - 1) * w.dilations[a] + 1);
  const [rows, columns] = [0, 1].map((a) => axisPads(node, a, inShape[a + 1], spans[a], w.strides[a]));
  const outHW = [rows, columns].map(
    ([before, after], a) => Math.floor((inShape[a + 1] + before + after - spans[a]) / w.strides[a]) + 1,
  );
  return { pads: [rows[0], columns[0], rows[1], columns[1]], outHW };
}

function nhwcPair(node: TfGraphNode, name: string): [number, number] {
  const v = attr<number[]>(node, name);
  return v.length === 4 ? [v[1], v[2]] : [v[0], v[1] ?? v[0]];
}

function windowOf(node: TfGraphNode, kernel: [number, number]): Window {
  const dilations: [number, number] = node.attrParams['dilations'] ? nhwcPair(node, 'dilations') : [1, 1];
  return { kernel, strides: nhwcPair(node, 'strides'), dilations };
}

function checkNhwc(node: TfGraphNode): void {
  const format = node.attrParams['dataFormat']?.value;
  if (format !== undefined && format !== 'nhwc')
    throw new Error(`tfjs→ONNX: ${node.op} ${node.name} is ${String(format)}`);
}

function convAttributes(w: Window, pads: number[], group = 1): onnx.IAttributeProto[] {
  return [
    intsAttribute('kernel_shape', w.kernel),
    intsAttribute('strides', w.strides),
    intsAttribute('dilations', w.dilations),
    intsAttribute('pads', pads),
    intAttribute('group', group),
  ];
}

/**
 * A tfjs conv filter [kh, kw, in, out] (depthwise [kh, kw, in, multiplier]) as ONNX Conv's weights
 * [out, in, kh, kw] (depthwise [in·multiplier, 1, kh, kw], for group = in).
 */
export function convFilter(
  data: Float32Array,
  shape: number[],
  depthwise: boolean,
): { data: Float32Array; dims: number[] } {
  const [kh, kw, inC, outOrMult] = shape;
  return depthwise
    ? { data: permute(data, shape, [2, 3, 0, 1]), dims: [inC * outOrMult, 1, kh, kw] }
    : { data: permute(data, shape, [3, 2, 0, 1]), dims: [outOrMult, inC, kh, kw] };
}

/** Conv (or depthwise Conv) of the node's input 0 with filter input 1; returns the NCHW output value. */
function conv(c: Converter, node: TfGraphNode, depthwise: boolean, bias?: string): Value {
  checkNhwc(node);
  const x = c.image(node.inputNames[0]);
  const filter = c.constTensor(node.inputNames[1]);
  const [kh, kw, inC, outOrMult] = filter.shape;
  const w = windowOf(node, [kh, kw]);
  const { pads, outHW } = windowPads(node, x.shape, w);
  const onnxFilter = convFilter(Float32Array.from(filter.data), filter.shape, depthwise);
  const weights = c.floatConst(onnxFilter.data, onnxFilter.dims, 'w');
  const outC = depthwise ? inC * outOrMult : outOrMult;
  const inputs = bias ? [x.name, weights, bias] : [x.name, weights];
  const name = c.add('Conv', inputs, convAttributes(w, pads, depthwise ? inC : 1), 'conv');
  return { name, shape: [x.shape[0], ...outHW, outC], nchw: true };
}

function biasOf(c: Converter, tfName: string): string {
  const { data } = c.constTensor(tfName);
  return c.floatConst(Float32Array.from(data), [data.length], 'b');
}

/** _FusedConv2D / FusedDepthwiseConv2dNative: conv, BiasAdd, then the fused activation. */
function fusedConv(c: Converter, node: TfGraphNode, depthwise: boolean): Value {
  const ops = attr<string[]>(node, 'fusedOps');
  const [first, activation, ...rest] = ops;
  if (first !== 'biasadd' || rest.length > 0)
    throw new Error(`tfjs→ONNX: fused ops [${ops}] in ${node.name}`);
  const out = conv(c, node, depthwise, biasOf(c, node.inputNames[2]));
  if (activation === undefined) return out;
  const alpha = activation === 'prelu' ? c.operand(node.inputNames[3], true) : undefined;
  return { ...out, name: activate(c, activation, out.name, node, alpha) };
}

function activate(c: Converter, activation: string, x: string, node: TfGraphNode, alpha?: string): string {
  switch (activation) {
    case 'relu':
      return c.add('Relu', [x]);
    case 'relu6':
      return c.add('Clip', [
        x,
        c.floatConst(Float32Array.of(0), [], 'lo'),
        c.floatConst(Float32Array.of(6), [], 'hi'),
      ]);
    case 'sigmoid':
      return c.add('Sigmoid', [x]);
    case 'prelu':
      if (alpha === undefined) throw new Error(`tfjs→ONNX: prelu without alpha in ${node.name}`);
      return c.add('PRelu', [x, alpha]);
    case 'leakyrelu':
      return c.add('LeakyRelu', [x], [floatAttribute('alpha', attr<number>(node, 'leakyreluAlpha'))]);
    default:
      throw new Error(`tfjs→ONNX: activation ${activation} in ${node.name}`);
  }
}

function floatAttribute(name: string, f: number): onnx.IAttributeProto {
  return { name, type: onnx.AttributeProto.AttributeType.FLOAT, f };
}

/** Element-wise ops: activations keep their layout; a constant operand follows it. */
function elementwise(c: Converter, node: TfGraphNode, opType: string): Value {
  const activations = node.inputNames.filter((n) => !c.isConst(n)).map((n) => c.value(n));
  if (activations.length === 0) throw new Error(`tfjs→ONNX: ${node.name} has constant inputs only`);
  const nchw = activations[0].nchw;
  if (activations.some((v) => v.nchw !== nchw)) throw new Error(`tfjs→ONNX: ${node.name} mixes layouts`);
  const inputs = node.inputNames.map((n) => (c.isConst(n) ? c.operand(n, nchw) : c.value(n).name));
  const shape = broadcastShape(
    node.inputNames.map((n) => (c.isConst(n) ? c.constTensor(n).shape : c.value(n).shape)),
  );
  return { name: c.add(opType, inputs), shape, nchw };
}

function broadcastShape(shapes: number[][]): number[] {
  const rank = Math.max(...shapes.map((s) => s.length));
  return Array.from({ length: rank }, (_, i) => Math.max(...shapes.map((s) => s[s.length - rank + i] ?? 1)));
}

function unary(c: Converter, node: TfGraphNode, activation: string): Value {
  const x = c.value(node.inputNames[0]);
  return { ...x, name: activate(c, activation, x.name, node) };
}

function pool(c: Converter, node: TfGraphNode, opType: 'MaxPool' | 'AveragePool'): Value {
  checkNhwc(node);
  const x = c.image(node.inputNames[0]);
  const w = windowOf(node, nhwcPair(node, 'kernelSize'));
  const { pads, outHW } = windowPads(node, x.shape, w);
  // tfjs' 'same' average excludes the padding from the count: ONNX's default count_include_pad=0.
  const attributes = [
    intsAttribute('kernel_shape', w.kernel),
    intsAttribute('strides', w.strides),
    intsAttribute('pads', pads),
  ];
  return { name: c.add(opType, [x.name], attributes), shape: [x.shape[0], ...outHW, x.shape[3]], nchw: true };
}

function pad(c: Converter, node: TfGraphNode): Value {
  const x = c.value(node.inputNames[0]);
  const paddings = c.constInts(node.inputNames[1]);
  const rank = x.shape.length;
  const perm = x.nchw ? NHWC_TO_NCHW : [...Array(rank).keys()];
  const pads = [...perm.map((a) => paddings[2 * a]), ...perm.map((a) => paddings[2 * a + 1])];
  const value = (node.attrParams['constantValue']?.value as number | undefined) ?? 0;
  const inputs = [x.name, c.int64Const(pads, 'pads'), c.floatConst(Float32Array.of(value), [], 'padValue')];
  const shape = x.shape.map((d, a) => d + paddings[2 * a] + paddings[2 * a + 1]);
  return { name: c.add('Pad', inputs), shape, nchw: x.nchw };
}

function reshape(c: Converter, node: TfGraphNode): Value {
  const x = c.value(node.inputNames[0]);
  const target = c.constInts(node.inputNames[1]);
  const size = x.shape.reduce((a, b) => a * b, 1);
  const known = target.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
  const shape = target.map((d) => (d === -1 ? size / known : d));
  const name = c.add('Reshape', [c.nhwc(x), c.int64Const(shape, 'shape')]);
  return { name, shape, nchw: false };
}

function resizeBilinear(c: Converter, node: TfGraphNode): Value {
  const x = c.image(node.inputNames[0]);
  const [height, width] = c.constInts(node.inputNames[1]);
  const mode = attr<boolean>(node, 'alignCorners')
    ? 'align_corners'
    : attr<boolean>(node, 'halfPixelCenters')
      ? 'half_pixel'
      : 'asymmetric';
  const sizes = c.int64Const([x.shape[0], x.shape[3], height, width], 'sizes');
  const attributes = [
    stringAttribute('mode', 'linear'),
    stringAttribute('coordinate_transformation_mode', mode),
  ];
  const name = c.add('Resize', [x.name, '', '', sizes], attributes);
  return { name, shape: [x.shape[0], height, width, x.shape[3]], nchw: true };
}

function stringAttribute(name: string, s: string): onnx.IAttributeProto {
  return { name, type: onnx.AttributeProto.AttributeType.STRING, s: new TextEncoder().encode(s) };
}

/**
 * Conv2DBackpropInput (conv2dTranspose): ConvTranspose with the forward conv's pads and
 * output_padding = what the forward's floor dropped, so the output has exactly `outputShape`.
 */
function convTranspose(c: Converter, node: TfGraphNode): Value {
  checkNhwc(node);
  const outShape = c.constInts(node.inputNames[0]);
  const filter = c.constTensor(node.inputNames[1]);
  const dy = c.image(node.inputNames[2]);
  const [kh, kw, outC, inC] = filter.shape;
  const w = windowOf(node, [kh, kw]);
  const { pads } = windowPads(node, outShape, w);
  const outputPadding = [0, 1].map(
    (a) =>
      outShape[a + 1] -
      ((dy.shape[a + 1] - 1) * w.strides[a] + (w.kernel[a] - 1) * w.dilations[a] + 1 - pads[a] - pads[a + 2]),
  );
  // [kh, kw, out, in] → ConvTranspose's [in, out, kh, kw].
  const weights = c.floatConst(
    permute(Float32Array.from(filter.data), filter.shape, [3, 2, 0, 1]),
    [inC, outC, kh, kw],
    'wt',
  );
  const attributes = [...convAttributes(w, pads), intsAttribute('output_padding', outputPadding)];
  return { name: c.add('ConvTranspose', [dy.name, weights], attributes), shape: outShape, nchw: true };
}

type OpConverter = (c: Converter, node: TfGraphNode) => Value;

/** Every tfjs op the converter knows. */
export const OP_CONVERTERS: Record<string, OpConverter> = {
  Conv2D: (c, n) => conv(c, n, false),
  DepthwiseConv2dNative: (c, n) => conv(c, n, true),
  _FusedConv2D: (c, n) => fusedConv(c, n, false),
  FusedDepthwiseConv2dNative: (c, n) => fusedConv(c, n, true),
  Conv2DBackpropInput: convTranspose,
  Add: (c, n) => elementwise(c, n, 'Add'),
  AddV2: (c, n) => elementwise(c, n, 'Add'),
  AddN: (c, n) => elementwise(c, n, 'Sum'),
  Sub: (c, n) => elementwise(c, n, 'Sub'),
  Mul: (c, n) => elementwise(c, n, 'Mul'),
  Prelu: (c, n) => {
    const x = c.value(n.inputNames[0]);
    return { ...x, name: c.add('PRelu', [x.name, c.operand(n.inputNames[1], x.nchw)]) };
  },
  Relu: (c, n) => unary(c, n, 'relu'),
  Relu6: (c, n) => unary(c, n, 'relu6'),
  Sigmoid: (c, n) => unary(c, n, 'sigmoid'),
  MaxPool: (c, n) => pool(c, n, 'MaxPool'),
  AvgPool: (c, n) => pool(c, n, 'AveragePool'),
  Pad: pad,
  Reshape: reshape,
  Identity: (c, n) => c.value(n.inputNames[0]),
  ResizeBilinear: resizeBilinear,
};

/** The non-constant nodes needed for `outputs`, inputs before users. */
function topologicalOrder(
  graph: TfGraph,
  outputs: TfGraphNode[],
  isConst: (name: string) => boolean,
): TfGraphNode[] {
  const order: TfGraphNode[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (node: TfGraphNode) => {
    if (state.get(node.name) === 'done') return;
    if (state.get(node.name) === 'visiting') throw new Error(`tfjs→ONNX: cycle at ${node.name}`);
    state.set(node.name, 'visiting');
    for (const input of node.inputNames) {
      const name = baseName(input);
      if (isConst(name)) continue;
      const from = graph.nodes[name];
      if (!from) throw new Error(`tfjs→ONNX: ${node.name} reads unknown ${input}`);
      visit(from);
    }
    state.set(node.name, 'done');
    order.push(node);
  };
  outputs.forEach(visit);
  return order;
}

/** The executor graph behind a loaded GraphModel (not public in tfjs' typings). */
function executorGraph(model: tfjs.GraphModel): TfGraph {
  const graph = (model as unknown as { executor?: { graph?: TfGraph } }).executor?.graph;
  if (!graph?.nodes) throw new Error('tfjs→ONNX: this GraphModel has no executor graph (not loaded?)');
  return graph;
}

export interface TfjsToOnnxOptions {
  /** Graph nodes to output instead of the model's outputs (to compare intermediate tensors). */
  outputNodes?: string[];
}

/**
 * `model` (one NHWC float input of static size; the batch is fixed to 1 where it is -1) as an ONNX
 * model. Throws naming the first op it does not convert.
 */
export function tfjsGraphToOnnx(model: tfjs.GraphModel, options: TfjsToOnnxOptions = {}): OnnxGraphModel {
  const graph = executorGraph(model);
  const outputNodes = options.outputNodes?.map((name) => graph.nodes[name]) ?? graph.outputs;
  const unknown = options.outputNodes?.filter((name) => !graph.nodes[name]) ?? [];
  if (unknown.length > 0) throw new Error(`tfjs→ONNX: no nodes ${unknown.join(', ')}`);
  if (graph.placeholders.length !== 1)
    throw new Error(`tfjs→ONNX: ${graph.placeholders.length} inputs, want 1`);
  const c = new Converter(model.weights);
  const placeholder = graph.placeholders[0];
  const inputShape = attr<number[]>(placeholder, 'shape').map((d) => (d === -1 ? 1 : d));
  if (inputShape.length !== 4) throw new Error(`tfjs→ONNX: input shape [${inputShape}] is not NHWC`);
  const inputName = 'input';
  const nchw = c.add('Transpose', [inputName], [intsAttribute('perm', NHWC_TO_NCHW)], 'nchw');
  c.set(placeholder.name, { name: nchw, shape: inputShape, nchw: true });
  for (const node of topologicalOrder(graph, outputNodes, (name) => c.isConst(name))) {
    if (node === placeholder) continue;
    const convert = OP_CONVERTERS[node.op];
    if (!convert) throw new Error(`tfjs→ONNX: op ${node.op} (${node.name}) is not supported`);
    c.set(node.name, convert(c, node));
  }
  const outputs = outputNodes.map((node, i) => {
    const value = c.value(node.name);
    const name = `output_${i}`;
    c.nodes.push({ opType: 'Identity', input: [c.nhwc(value)], output: [name] });
    return { name, shape: value.shape };
  });
  const bytes = writeOnnxModel('portrait-forge tfjsGraphToOnnx', {
    name: 'tfjs-graph',
    input: [floatValue(inputName, inputShape)],
    output: outputs.map((o) => floatValue(o.name, o.shape)),
    node: c.nodes,
    initializer: c.initializers,
  });
  return { model: bytes, input: { name: inputName, shape: inputShape }, outputs };
}
