import * as tf from '@tensorflow/tfjs';
import type { onnx } from 'onnx-proto';
import { floatValue, int64Initializer, intAttribute, intsAttribute, writeOnnxModel } from './onnx-model';

/**
 * The tfjs convolution kernels as small ONNX graphs for onnxruntime. tfjs tensors are NHWC (or NCHW)
 * with filters [kh, kw, in, out]; ONNX convs are NCHW with weights [out, in, kh, kw], so the graphs
 * transpose on the way in and out (ORT then picks its blocked NCHWc kernels inside).
 *
 * - Conv2D: Conv.
 * - Conv2DBackpropInput (dx, and tfjs' conv2dTranspose): at stride 1 a Conv with the flipped filter;
 *   otherwise ConvTranspose with the same weights, the forward pads and output_padding = the rows the
 *   forward's floor dropped.
 * - Conv2DBackpropFilter (dW): one GEMM per filter tap (see backpropFilterGraph). The other derivation —
 *   one Conv of x as [in, N, H, W] with dy as weights [out, N, outH, outW] dilated by the stride — was
 *   1.6–2.3× slower here (3×3 128→128 @32² batch 8, 2 threads, under load), so it is not kept.
 */

type Info = tf.backend_util.Conv2DInfo;

export const ORT_CONV_KERNELS = ['Conv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter'] as const;
export type OrtConvKernel = (typeof ORT_CONV_KERNELS)[number];

export interface ConvGraphSpec {
  kernel: OrtConvKernel;
  info: Info;
  /** Test-only fault: the kernel swaps the filter's kh and kw axes (square filters stay shape-valid). */
  swapFilterAxes?: boolean;
  /**
   * MLAS' NCHWc channel block on this CPU (16 with AVX-512, 8 with AVX2; 1: none), from
   * `nchwcBlockSize`; convs whose channel counts it divides run as blocked convs (see blockedConv).
   */
  nchwcBlock?: number;
}

export interface ConvGraph {
  model: Uint8Array;
  /** Graph input names in the order of the tfjs kernel's inputs. */
  inputs: [string, string];
  output: string;
  outputShape: number[];
}

const NHWC_TO_NCHW = [0, 3, 1, 2];
const NCHW_TO_NHWC = [0, 2, 3, 1];
/** [kh, kw, in, out] → [out, in, kh, kw]; the fault swaps kh and kw. */
const filterToOihw = (swap: boolean) => (swap ? [3, 2, 1, 0] : [3, 2, 0, 1]);

type Node = onnx.INodeProto;

const transpose = (input: string, output: string, perm: number[]): Node => ({
  opType: 'Transpose',
  input: [input],
  output: [output],
  attribute: [intsAttribute('perm', perm)],
});

function channelsFirst(info: Info): boolean {
  return info.dataFormat === 'channelsFirst';
}

/** ONNX pads: [top, left, bottom, right]. */
function onnxPads({ padInfo }: Info): number[] {
  return [padInfo.top, padInfo.left, padInfo.bottom, padInfo.right];
}

function geometryAttributes(info: Info): onnx.IAttributeProto[] {
  return [
    intsAttribute('kernel_shape', [info.filterHeight, info.filterWidth]),
    intsAttribute('strides', [info.strideHeight, info.strideWidth]),
    intsAttribute('dilations', [info.dilationHeight, info.dilationWidth]),
    intsAttribute('pads', onnxPads(info)),
  ];
}

/** Moves an image tensor to NCHW (a no-op name when it already is). */
function imageIn(info: Info, name: string, nodes: Node[]): string {
  if (channelsFirst(info)) return name;
  nodes.push(transpose(name, `${name}_nchw`, NHWC_TO_NCHW));
  return `${name}_nchw`;
}

function imageOut(info: Info, nchw: string, name: string, nodes: Node[]): void {
  nodes.push(
    channelsFirst(info)
      ? { opType: 'Identity', input: [nchw], output: [name] }
      : transpose(nchw, name, NCHW_TO_NHWC),
  );
}

const filterShapeOf = (info: Info) => [
  info.filterHeight,
  info.filterWidth,
  info.inChannels,
  info.outChannels,
];

const NCHWC_DOMAIN = 'com.microsoft.nchwc';

/** Whether blockedConv applies: both channel counts whole blocks of a real NCHWc block size. */
function blockable(block: number, inChannels: number, outChannels: number): boolean {
  return block > 1 && inChannels % block === 0 && outChannels % block === 0;
}

/**
 * One conv on ORT's blocked-channel kernels (domain com.microsoft.nchwc: ReorderInput, Conv,
 * ReorderOutput). ORT's own NCHWc rewrite gives every Conv these, but only when the weights are
 * constants it can reorder once; ours change every step, so the graph reorders them itself, into MLAS'
 * OIHWBiBo blocks (`[O/B, I/B, kh, kw, Bi, Bo]`, MlasReorderFilterOIHWBiBo). Measured 1.45× the plain
 * Conv with its transposes (3×3 64→64 @32² batch 8, 2 threads: 1.6–1.9 vs 2.4–3.1 ms); the images
 * go from NHWC to blocks and back directly.
 */
function blockedConv(
  info: Info,
  block: number,
  { image, filter, output, use, swapFilterAxes, attributes }: BlockedConvSpec,
  parts: GraphParts,
): void {
  const [kh, kw] = [info.filterHeight, info.filterWidth];
  const w = blockedFilter(info, block, { filter, size: [kh, kw], use, swapFilterAxes, name: 'w' }, parts);
  parts.nodes.push(
    reorderInput(info, image, 'image_blocked'),
    blockedConvNode('image_blocked', w, 'out_blocked', attributes),
    reorderOutput(info, 'out_blocked', output, use === 'forward' ? info.outChannels : info.inChannels),
  );
}

/** Which way a conv runs through the tfjs filter [kh, kw, in, out]: forward (in → out) or dx (out → in). */
type FilterUse = 'forward' | 'dx';

interface BlockedConvSpec {
  image: string;
  filter: string;
  output: string;
  use: FilterUse;
  swapFilterAxes: boolean;
  attributes: onnx.IAttributeProto[];
}

interface GraphParts {
  nodes: Node[];
  initializer: onnx.ITensorProto[];
}

/**
 * The filter reshaped to `[kh, kw, in/B, B, out/B, B]` is transposed to the conv's
 * `[O/B, I/B, kh, kw, Bi, Bo]`; the test fault swaps kh and kw.
 */
const BLOCK_PERMS: Record<FilterUse, [number[], number[]]> = {
  forward: [
    [4, 2, 0, 1, 3, 5],
    [4, 2, 1, 0, 3, 5],
  ],
  dx: [
    [2, 4, 0, 1, 5, 3],
    [2, 4, 1, 0, 5, 3],
  ],
};

/** `filter` (tfjs' [kh, kw, in, out], spatial `size`) in MLAS' OIHWBiBo blocks, as the value `name`. */
function blockedFilter(
  info: Info,
  block: number,
  { filter, size: [kh, kw], use, swapFilterAxes, name }: BlockedFilterSpec,
  { nodes, initializer }: GraphParts,
): string {
  const [convOut, convIn] =
    use === 'forward' ? [info.outChannels, info.inChannels] : [info.inChannels, info.outChannels];
  initializer.push(
    int64Initializer(`${name}_blocks`, [
      kh,
      kw,
      info.inChannels / block,
      block,
      info.outChannels / block,
      block,
    ]),
    int64Initializer(`${name}_shape`, [convOut, convIn, kh, kw]),
  );
  nodes.push(
    { opType: 'Reshape', input: [filter, `${name}_blocks`], output: [`${name}_6d`] },
    transpose(`${name}_6d`, `${name}_blocked_6d`, BLOCK_PERMS[use][swapFilterAxes ? 1 : 0]),
    { opType: 'Reshape', input: [`${name}_blocked_6d`, `${name}_shape`], output: [name] },
  );
  return name;
}

interface BlockedFilterSpec {
  filter: string;
  size: [number, number];
  use: FilterUse;
  swapFilterAxes: boolean;
  name: string;
}

const channelsLastAttribute = (info: Info) => intAttribute('channels_last', channelsFirst(info) ? 0 : 1);

const reorderInput = (info: Info, image: string, output: string): Node => ({
  opType: 'ReorderInput',
  domain: NCHWC_DOMAIN,
  input: [image],
  output: [output],
  attribute: [channelsLastAttribute(info)],
});

const blockedConvNode = (
  image: string,
  w: string,
  output: string,
  attribute: onnx.IAttributeProto[],
): Node => ({
  opType: 'Conv',
  domain: NCHWC_DOMAIN,
  input: [image, w],
  output: [output],
  attribute,
});

const reorderOutput = (info: Info, blocked: string, output: string, channels: number): Node => ({
  opType: 'ReorderOutput',
  domain: NCHWC_DOMAIN,
  input: [blocked],
  output: [output],
  attribute: [intAttribute('channels', channels), channelsLastAttribute(info)],
});

function forwardGraph({ info, swapFilterAxes = false, nchwcBlock = 1 }: ConvGraphSpec): ConvGraph {
  if (blockable(nchwcBlock, info.inChannels, info.outChannels)) {
    const parts: GraphParts = { nodes: [], initializer: [] };
    const attributes = geometryAttributes(info);
    blockedConv(
      info,
      nchwcBlock,
      { image: 'x', filter: 'filter', output: 'y', use: 'forward', swapFilterAxes, attributes },
      parts,
    );
    const shapes: [number[], number[]] = [info.inShape, filterShapeOf(info)];
    return finish('Conv2D', parts.nodes, shapes, ['x', 'filter'], info.outShape, parts.initializer);
  }
  const nodes: Node[] = [];
  const x = imageIn(info, 'x', nodes);
  nodes.push(transpose('filter', 'w', filterToOihw(swapFilterAxes)));
  nodes.push({ opType: 'Conv', input: [x, 'w'], output: ['y_nchw'], attribute: geometryAttributes(info) });
  imageOut(info, 'y_nchw', 'y', nodes);
  return finish('Conv2D', nodes, [info.inShape, filterShapeOf(info)], ['x', 'filter'], info.outShape);
}

function backpropInputTransposedGraph({ info, swapFilterAxes = false }: ConvGraphSpec): ConvGraph {
  const nodes: Node[] = [];
  const dy = imageIn(info, 'dy', nodes);
  nodes.push(transpose('filter', 'w', filterToOihw(swapFilterAxes)));
  const { padInfo } = info;
  const reachH = (info.filterHeight - 1) * info.dilationHeight + 1;
  const reachW = (info.filterWidth - 1) * info.dilationWidth + 1;
  const outputPadding = [
    info.inHeight - ((info.outHeight - 1) * info.strideHeight + reachH - padInfo.top - padInfo.bottom),
    info.inWidth - ((info.outWidth - 1) * info.strideWidth + reachW - padInfo.left - padInfo.right),
  ];
  nodes.push({
    opType: 'ConvTranspose',
    input: [dy, 'w'],
    output: ['dx_nchw'],
    attribute: [...geometryAttributes(info), intsAttribute('output_padding', outputPadding)],
  });
  imageOut(info, 'dx_nchw', 'dx', nodes);
  return finishDx(info, nodes);
}

/**
 * dW as one GEMM per filter tap: for tap (i, j) the strided window of the padded x, [N·outH·outW, in],
 * transposed times dy [N·outH·outW, out] gives dW[i, j] — MLAS runs these at full GEMM speed.
 */
function backpropFilterGraph({ info, swapFilterAxes = false }: ConvGraphSpec): ConvGraph {
  const nodes: Node[] = [];
  const nhwc = !channelsFirst(info);
  if (!nhwc) {
    nodes.push(transpose('x', 'x_nhwc', NCHW_TO_NHWC));
    nodes.push(transpose('dy', 'dy_nhwc', NCHW_TO_NHWC));
  }
  const x = nhwc ? 'x' : 'x_nhwc';
  const dy = nhwc ? 'dy' : 'dy_nhwc';
  const { padInfo } = info;
  const needH = (info.filterHeight - 1) * info.dilationHeight + (info.outHeight - 1) * info.strideHeight + 1;
  const needW = (info.filterWidth - 1) * info.dilationWidth + (info.outWidth - 1) * info.strideWidth + 1;
  const bottom = Math.max(0, needH - padInfo.top - info.inHeight);
  const right = Math.max(0, needW - padInfo.left - info.inWidth);
  const positions = info.batchSize * info.outHeight * info.outWidth;
  const initializer = [
    int64Initializer('pads', [0, padInfo.top, padInfo.left, 0, 0, bottom, right, 0]),
    int64Initializer('window_axes', [1, 2]),
    int64Initializer('window_steps', [info.strideHeight, info.strideWidth]),
    int64Initializer('rows_in', [positions, info.inChannels]),
    int64Initializer('rows_out', [positions, info.outChannels]),
    int64Initializer('tap_shape', [1, info.inChannels, info.outChannels]),
    int64Initializer('filter_shape', filterShapeOf(info)),
  ];
  nodes.push({ opType: 'Pad', input: [x, 'pads'], output: ['x_padded'] });
  nodes.push({ opType: 'Reshape', input: [dy, 'rows_out'], output: ['dy_rows'] });
  const taps: string[] = [];
  const [outerTaps, innerTaps] = swapFilterAxes
    ? [info.filterWidth, info.filterHeight]
    : [info.filterHeight, info.filterWidth];
  for (let a = 0; a < outerTaps; a++) {
    for (let b = 0; b < innerTaps; b++) {
      const [i, j] = swapFilterAxes ? [b, a] : [a, b];
      const tap = `tap_${i}_${j}`;
      const y0 = i * info.dilationHeight;
      const x0 = j * info.dilationWidth;
      initializer.push(
        int64Initializer(`${tap}_starts`, [y0, x0]),
        int64Initializer(`${tap}_ends`, [
          y0 + (info.outHeight - 1) * info.strideHeight + 1,
          x0 + (info.outWidth - 1) * info.strideWidth + 1,
        ]),
      );
      nodes.push(
        {
          opType: 'Slice',
          input: ['x_padded', `${tap}_starts`, `${tap}_ends`, 'window_axes', 'window_steps'],
          output: [`${tap}_window`],
        },
        { opType: 'Reshape', input: [`${tap}_window`, 'rows_in'], output: [`${tap}_rows`] },
        {
          opType: 'Gemm',
          input: [`${tap}_rows`, 'dy_rows'],
          output: [`${tap}_dw`],
          attribute: [intAttribute('transA', 1)],
        },
        { opType: 'Reshape', input: [`${tap}_dw`, 'tap_shape'], output: [`${tap}_dw3`] },
      );
      taps.push(`${tap}_dw3`);
    }
  }
  nodes.push({ opType: 'Concat', input: taps, output: ['dw_taps'], attribute: [intAttribute('axis', 0)] });
  nodes.push({ opType: 'Reshape', input: ['dw_taps', 'filter_shape'], output: ['dw'] });
  return finish(
    'Conv2DBackpropFilter',
    nodes,
    [info.inShape, info.outShape],
    ['x', 'dy'],
    filterShapeOf(info),
    initializer,
  );
}

/**
 * dx for stride 1 as a plain Conv of dy with the spatially flipped, in/out-swapped filter, padded by
 * (reach − 1 − forward pad) — ORT's blocked Conv is faster than its ConvTranspose (GEMM + col2im).
 */
function backpropInputFlippedGraph({
  info,
  swapFilterAxes = false,
  nchwcBlock = 1,
}: ConvGraphSpec): ConvGraph {
  const nodes: Node[] = [];
  const blocked = blockable(nchwcBlock, info.inChannels, info.outChannels);
  const dy = blocked ? 'dy' : imageIn(info, 'dy', nodes);
  const { padInfo } = info;
  const kh = info.filterHeight;
  const kw = info.filterWidth;
  const initializer: onnx.ITensorProto[] = [
    int64Initializer('flip_starts', [kh - 1, kw - 1]),
    int64Initializer('flip_ends', [-kh - 1, -kw - 1]),
    int64Initializer('flip_axes', [0, 1]),
    int64Initializer('flip_steps', [-1, -1]),
  ];
  nodes.push({
    opType: 'Slice',
    input: ['filter', 'flip_starts', 'flip_ends', 'flip_axes', 'flip_steps'],
    output: ['flipped'],
  });
  const top = kh - 1 - padInfo.top;
  const left = kw - 1 - padInfo.left;
  const pads = [
    top,
    left,
    info.inHeight - info.outHeight + padInfo.top,
    info.inWidth - info.outWidth + padInfo.left,
  ];
  const attributes = [intsAttribute('kernel_shape', [kh, kw]), intsAttribute('pads', pads)];
  if (blocked) {
    blockedConv(
      info,
      nchwcBlock,
      { image: dy, filter: 'flipped', output: 'dx', use: 'dx', swapFilterAxes, attributes },
      { nodes, initializer },
    );
  } else {
    // [kh, kw, in, out] → ONNX weights [in (now the output), out, kh, kw].
    nodes.push(transpose('flipped', 'w', swapFilterAxes ? [2, 3, 1, 0] : [2, 3, 0, 1]));
    nodes.push({ opType: 'Conv', input: [dy, 'w'], output: ['dx_nchw'], attribute: attributes });
    imageOut(info, 'dx_nchw', 'dx', nodes);
  }
  return finishDx(info, nodes, initializer);
}

/** A Conv2DBackpropInput graph: inputs dy and the filter, output dx of the forward input's shape. */
function finishDx(info: Info, nodes: Node[], initializer: onnx.ITensorProto[] = []): ConvGraph {
  const shapes: [number[], number[]] = [info.outShape, filterShapeOf(info)];
  return finish('Conv2DBackpropInput', nodes, shapes, ['dy', 'filter'], info.inShape, initializer);
}

function finish(
  kernel: OrtConvKernel | 'BatchMatMul',
  nodes: Node[],
  inputShapes: [number[], number[]],
  inputs: [string, string],
  outputShape: number[],
  initializer: onnx.ITensorProto[] = [],
): ConvGraph {
  const output = nodes[nodes.length - 1].output?.[0] ?? '';
  const model = writeOnnxModel(`portrait-forge tf-runtime ${kernel}`, {
    name: kernel,
    input: inputs.map((name, i) => floatValue(name, inputShapes[i])),
    output: [floatValue(output, outputShape)],
    initializer,
    node: nodes,
  });
  return { model, inputs, output, outputShape };
}

/**
 * tfjs BatchMatMul (`tf.matMul`: a [..., M, K] · b [..., K, N] with broadcast batch dimensions, either
 * side transposed) as ONNX MatMul, whose batch broadcasting is the same numpy rule.
 */
export function batchMatMulGraph(
  aShape: number[],
  bShape: number[],
  transposeA: boolean,
  transposeB: boolean,
): ConvGraph {
  const nodes: Node[] = [];
  const swapLast = (rank: number) => [...Array.from({ length: rank - 2 }, (_, i) => i), rank - 1, rank - 2];
  if (transposeA) nodes.push(transpose('a', 'a_t', swapLast(aShape.length)));
  if (transposeB) nodes.push(transpose('b', 'b_t', swapLast(bShape.length)));
  nodes.push({
    opType: 'MatMul',
    input: [transposeA ? 'a_t' : 'a', transposeB ? 'b_t' : 'b'],
    output: ['c'],
  });
  const outer = [aShape[aShape.length - (transposeA ? 1 : 2)], bShape[bShape.length - (transposeB ? 2 : 1)]];
  const batch = tf.backend_util.assertAndGetBroadcastShape(aShape.slice(0, -2), bShape.slice(0, -2));
  return finish('BatchMatMul', nodes, [aShape, bShape], ['a', 'b'], [...batch, ...outer]);
}

/** Stride 1, undilated, with pads the flipped conv can express (all of 'same' and 'valid'). */
function flippable({
  strideHeight,
  strideWidth,
  dilationHeight,
  dilationWidth,
  padInfo,
  ...info
}: Info): boolean {
  return (
    strideHeight === 1 &&
    strideWidth === 1 &&
    dilationHeight === 1 &&
    dilationWidth === 1 &&
    padInfo.top < info.filterHeight &&
    padInfo.left < info.filterWidth &&
    info.inHeight - info.outHeight + padInfo.top >= 0 &&
    info.inWidth - info.outWidth + padInfo.left >= 0
  );
}

/**
 * One output phase of a strided transposed conv along one axis: the outputs i with
 * (i + padBefore) mod stride = rho get dx[i] = Σ_j dy[m − j] · w[rho + j·stride], m = ⌊(i + padBefore) / stride⌋
 * — a stride-1 correlation of dy with `taps` flipped filter taps, padded so that it gives `rows` outputs,
 * the first of them at output `offset`, then every stride-th.
 */
interface AxisPhase {
  rho: number;
  taps: number;
  padBefore: number;
  padAfter: number;
  offset: number;
}

/** The stride phases of one axis, each producing `rows` outputs, or undefined if a pad would be negative. */
function axisPhases(
  filter: number,
  stride: number,
  padBefore: number,
  inLength: number,
  outLength: number,
): { phases: AxisPhase[]; rows: number } | undefined {
  const rows = Math.ceil(inLength / stride);
  const phases: AxisPhase[] = [];
  for (let rho = 0; rho < stride; rho++) {
    const taps = Math.ceil((filter - rho) / stride);
    const first = Math.ceil((padBefore - rho) / stride); // the first m whose output i is ≥ 0
    const pad = taps - 1 - first;
    const padAfter = rows + taps - 1 - outLength - pad;
    if (taps < 1 || pad < 0 || padAfter < 0) return undefined;
    phases.push({ rho, taps, padBefore: pad, padAfter, offset: first * stride + rho - padBefore });
  }
  return { phases, rows };
}

/**
 * dx of a strided conv (tfjs' conv2dTranspose, StyleGAN2's up- and downsampling convs) as stride²
 * stride-1 blocked convs, one per output phase (see AxisPhase), interleaved: ORT's ConvTranspose is a
 * GEMM and col2im (95 GFLOP/s at 16² → 33² 64 channels, 2 threads) and computes the taps that land
 * on the inserted zeros too. Undefined where it does not apply (then ConvTranspose).
 */
function backpropInputPhasesGraph({
  info,
  swapFilterAxes = false,
  nchwcBlock = 1,
}: ConvGraphSpec): ConvGraph | undefined {
  if (
    !blockable(nchwcBlock, info.inChannels, info.outChannels) ||
    channelsFirst(info) ||
    info.dilationHeight !== 1 ||
    info.dilationWidth !== 1
  )
    return undefined;
  const { padInfo } = info;
  const alongH = axisPhases(info.filterHeight, info.strideHeight, padInfo.top, info.inHeight, info.outHeight);
  const alongW = axisPhases(info.filterWidth, info.strideWidth, padInfo.left, info.inWidth, info.outWidth);
  if (!alongH || !alongW) return undefined;
  const parts: GraphParts = { nodes: [], initializer: [] };
  const { nodes, initializer } = parts;
  const [sh, sw] = [info.strideHeight, info.strideWidth];
  const n = info.batchSize;
  const c = info.inChannels;
  nodes.push(reorderInput(info, 'dy', 'dy_blocked'));
  // phase[offsetH][offsetW]: that phase's outputs, NHWC [n, rowsH, rowsW, c].
  const phase: string[][] = Array.from({ length: sh }, () => new Array<string>(sw));
  for (const ph of alongH.phases) {
    for (const pw of alongW.phases) {
      const name = `phase_${ph.rho}_${pw.rho}`;
      // Taps rho + j·stride, last first (the correlation's flip): Slice with a negative step, ending
      // just before rho (for rho 0 that is "past index 0", which ONNX spells −size − 1).
      const lastH = ph.rho + (ph.taps - 1) * sh;
      const lastW = pw.rho + (pw.taps - 1) * sw;
      const endBefore = (rho: number, size: number) => (rho === 0 ? -size - 1 : rho - 1);
      initializer.push(
        int64Initializer(`${name}_starts`, [lastH, lastW]),
        int64Initializer(`${name}_ends`, [
          endBefore(ph.rho, info.filterHeight),
          endBefore(pw.rho, info.filterWidth),
        ]),
        int64Initializer(`${name}_axes`, [0, 1]),
        int64Initializer(`${name}_steps`, [-sh, -sw]),
      );
      nodes.push({
        opType: 'Slice',
        input: ['filter', `${name}_starts`, `${name}_ends`, `${name}_axes`, `${name}_steps`],
        output: [`${name}_filter`],
      });
      const w = blockedFilter(
        info,
        nchwcBlock,
        { filter: `${name}_filter`, size: [ph.taps, pw.taps], use: 'dx', swapFilterAxes, name: `${name}_w` },
        parts,
      );
      const attributes = [
        intsAttribute('kernel_shape', [ph.taps, pw.taps]),
        intsAttribute('pads', [ph.padBefore, pw.padBefore, ph.padAfter, pw.padAfter]),
      ];
      nodes.push(
        blockedConvNode('dy_blocked', w, `${name}_blocked`, attributes),
        reorderOutput(info, `${name}_blocked`, `${name}_out`, c),
      );
      phase[ph.offset][pw.offset] = `${name}_out`;
    }
  }
  // Interleave: [n, rowsH, rowsW, c] per phase → [n, rowsH, sh, rowsW, sw, c] → [n, rowsH·sh, rowsW·sw, c].
  const [rh, rw] = [alongH.rows, alongW.rows];
  initializer.push(
    int64Initializer('phase_5d', [n, rh, rw, 1, c]),
    int64Initializer('row_5d', [n, rh, 1, rw * sw, c]),
    int64Initializer('interleaved_shape', [n, rh * sh, rw * sw, c]),
    int64Initializer('crop_starts', [0, 0]),
    int64Initializer('crop_ends', [info.inHeight, info.inWidth]),
    int64Initializer('crop_axes', [1, 2]),
  );
  const rowsOut = phase.map((row, a) => {
    const cols = row.map((p) => {
      nodes.push({ opType: 'Reshape', input: [p, 'phase_5d'], output: [`${p}_5d`] });
      return `${p}_5d`;
    });
    nodes.push(
      { opType: 'Concat', input: cols, output: [`row_${a}`], attribute: [intAttribute('axis', 3)] },
      { opType: 'Reshape', input: [`row_${a}`, 'row_5d'], output: [`row_${a}_5d`] },
    );
    return `row_${a}_5d`;
  });
  nodes.push(
    { opType: 'Concat', input: rowsOut, output: ['interleaved_5d'], attribute: [intAttribute('axis', 2)] },
    { opType: 'Reshape', input: ['interleaved_5d', 'interleaved_shape'], output: ['interleaved'] },
    { opType: 'Slice', input: ['interleaved', 'crop_starts', 'crop_ends', 'crop_axes'], output: ['dx'] },
  );
  return finishDx(info, nodes, initializer);
}

const BUILDERS: Record<OrtConvKernel, (spec: ConvGraphSpec) => ConvGraph> = {
  Conv2D: forwardGraph,
  Conv2DBackpropInput: (spec) =>
    flippable(spec.info)
      ? backpropInputFlippedGraph(spec)
      : (backpropInputPhasesGraph(spec) ?? backpropInputTransposedGraph(spec)),
  Conv2DBackpropFilter: backpropFilterGraph,
};

/** ReorderInput of 4 channels `x` to `y`, which pads them to one NCHWc block (see nchwcBlockSize). */
export function nchwcProbeModel(): Uint8Array {
  return writeOnnxModel('portrait-forge tf-runtime NCHWc probe', {
    name: 'nchwc-probe',
    input: [floatValue('x', [1, 4, 1, 1])],
    output: [floatValue('y', [1, 'block', 1, 1])],
    node: [
      {
        opType: 'ReorderInput',
        domain: NCHWC_DOMAIN,
        input: ['x'],
        output: ['y'],
        attribute: [intAttribute('channels_last', 0)],
      },
    ],
  });
}

export function convGraph(spec: ConvGraphSpec): ConvGraph {
  return BUILDERS[spec.kernel](spec);
}
